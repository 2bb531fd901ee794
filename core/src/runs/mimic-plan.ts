/**
 * `cl mimic` / `cl macro` (spec §10.1): which bundles of a computation graph are recreated when
 * some inputs are swapped, in dependency order, and the request each new bundle is created with.
 * Pure: the caller fetches the graph (`GET /rest/bundles/graph`) and creates the bundles in order.
 */
import type { CreateMakeRequest, CreateRunRequest } from "../api/runs.ts";
import type { BundleType } from "../constants.ts";
import { CodalabError } from "../errors.ts";
import {
  type DerivedOptions,
  type MakeMetadata,
  makeMetadata,
  makeRequestBody,
  type RunMetadata,
  type RunOptions,
  runMetadata,
  runRequestBody,
} from "./derived-request.ts";

/** CodaLab's default `--depth`: how many levels of parents or children are looked at. */
export const DEFAULT_MIMIC_DEPTH = 10;

/** A bundle of the graph as `GET /rest/bundles/graph` gives it (a subset of the bundle JSON). */
export type GraphBundle = {
  uuid: string;
  bundle_type: BundleType;
  command: string | null;
  metadata: Record<string, unknown>;
  dependencies: readonly { child_path: string; parent_uuid: string; parent_path: string }[];
};

/**
 * The three forms, told apart by the argument count (CodaLab's rule): an even count is old inputs
 * then as many new inputs (everything downstream of the old inputs); an odd count has the old
 * output in the middle (only the path from the inputs to it). One argument is the odd form with
 * no inputs: the bundle itself is re-run.
 */
export type MimicForm = { oldInputs: string[]; oldOutput: string | null; newInputs: string[] };

export function mimicForm(bundles: readonly string[]): MimicForm {
  if (bundles.length === 0) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      "mimic needs bundles: <bundle>, <old> <new>, or <old>... <old output> <new>...",
    );
  }
  const half = Math.floor(bundles.length / 2);
  if (bundles.length % 2 === 0) {
    return { oldInputs: bundles.slice(0, half), oldOutput: null, newInputs: bundles.slice(half) };
  }
  return { oldInputs: bundles.slice(0, half), oldOutput: bundles[half] ?? null, newInputs: bundles.slice(half + 1) };
}

/** `macro M in1 in2 name:x` ≡ `mimic M-in1 M-in2 M-in-name M-out in1 in2 x`: the specs to resolve. */
export function macroSpecs(macroName: string, inputs: readonly string[]): string[] {
  const oldInputs: string[] = [];
  const newInputs: string[] = [];
  let position = 0;
  for (const input of inputs) {
    // `name:bundle` is a named input; a bare spec is the next positional one.
    const named = /^([A-Za-z_][A-Za-z0-9_.-]*):(.+)$/.exec(input);
    if (named?.[1] !== undefined && named[2] !== undefined) {
      oldInputs.push(`${macroName}-in-${named[1]}`);
      newInputs.push(named[2]);
    } else {
      position += 1;
      oldInputs.push(`${macroName}-in${position}`);
      newInputs.push(input);
    }
  }
  return [...oldInputs, `${macroName}-out`, ...newInputs];
}

/** Where a new bundle's dependency comes from: an existing bundle, or one created earlier in the plan. */
export type PlannedParent = { uuid: string } | { step: number };

export type MimicStep = {
  old_uuid: string;
  old_name: string;
  bundle_type: "run" | "make";
  command: string | null;
  dependencies: { key: string; parent: PlannedParent; parent_path: string }[];
  metadata: RunMetadata | MakeMetadata;
};

export type MimicPlanInput = {
  form: MimicForm;
  /** Every bundle the graph query returned, keyed by uuid; bundles outside it are kept as they are. */
  graph: ReadonlyMap<string, GraphBundle>;
  /** The order to visit the downstream form in (the graph query's breadth-first order). */
  order: readonly string[];
  depth: number;
  /** `-n`: the new output's name; other new bundles are `<name>-<old name>`. */
  name?: string;
  /** Metadata flags the user gave; they replace the old bundles' values (request ones only for runs). */
  overrides?: RunOptions;
};

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A stored request (bytes, seconds, counts) in the form `runMetadata` reads. */
function amount(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value !== "" ? value : undefined;
}

function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The old bundle's user metadata as options; generated metadata (state, usage, times) is dropped.
 * The image the old run actually ran in (`docker_image`, a digest when known) becomes the request,
 * so the new run reproduces its environment.
 */
function oldOptions(bundle: GraphBundle): RunOptions {
  const metadata = bundle.metadata;
  const tags = metadata.tags;
  const patterns = metadata.exclude_patterns;
  const common: DerivedOptions = {
    description: text(metadata.description),
    tags: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : undefined,
    allowFailedDependencies: metadata.allow_failed_dependencies === true,
  };
  if (bundle.bundle_type !== "run") return common;
  return {
    ...common,
    requestDockerImage: text(metadata.docker_image) || text(metadata.request_docker_image) || undefined,
    requestTime: amount(metadata.request_time),
    requestMemory: amount(metadata.request_memory),
    requestDisk: amount(metadata.request_disk),
    requestCpus: amount(metadata.request_cpus),
    requestGpus: amount(metadata.request_gpus),
    requestQueue: text(metadata.request_queue) || undefined,
    requestPriority: amount(metadata.request_priority),
    requestNetwork: metadata.request_network === true,
    excludePatterns: Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === "string") : undefined,
  };
}

function newMetadata(bundle: GraphBundle, name: string, overrides: RunOptions): RunMetadata | MakeMetadata {
  const { name: _ignored, ...given } = defined(overrides);
  if (bundle.bundle_type === "run") {
    return runMetadata(bundle.command ?? "", { ...defined(oldOptions(bundle)), ...given, name });
  }
  const derived: DerivedOptions = {
    description: given.description,
    tags: given.tags,
    allowFailedDependencies: given.allowFailedDependencies,
  };
  // The name is always given, so the targets that would name a make are not needed.
  return makeMetadata([], { ...defined(oldOptions(bundle)), ...defined(derived), name });
}

/**
 * The bundles to recreate, each once, parents before children. A bundle is recreated iff it is the
 * lone output (one-argument form) or depends, within the graph, on a swapped input. Refuses a plan
 * that recreates nothing, a bundle that is not a run or make, and a cycle.
 */
export function planMimic(input: MimicPlanInput): MimicStep[] {
  const { form, graph, depth } = input;
  if (form.oldInputs.length !== form.newInputs.length) {
    throw new CodalabError("INTERNAL", "mimic: old and new inputs differ in number");
  }
  const mapped = new Map<string, PlannedParent>();
  const downstream = new Set<string>();
  form.oldInputs.forEach((old, index) => {
    mapped.set(old, { uuid: form.newInputs[index] as string });
    downstream.add(old);
  });
  const steps: MimicStep[] = [];
  const visiting = new Set<string>();
  const nameOf = (bundle: GraphBundle) => text(bundle.metadata.name) ?? bundle.uuid;

  const recurse = (uuid: string): PlannedParent => {
    const known = mapped.get(uuid);
    if (known !== undefined) return known;
    const bundle = graph.get(uuid);
    if (bundle === undefined) return { uuid };
    if (visiting.has(uuid)) {
      throw new CodalabError("VALIDATION_FAILED", `the dependencies of ${uuid} (${nameOf(bundle)}) form a cycle`);
    }
    visiting.add(uuid);
    const dependencies = bundle.dependencies.map((dependency) => ({
      key: dependency.child_path,
      parent: recurse(dependency.parent_uuid),
      parent_path: dependency.parent_path,
    }));
    visiting.delete(uuid);
    const isLoneOutput = form.oldInputs.length === 0 && uuid === form.oldOutput;
    const recreate = isLoneOutput || bundle.dependencies.some((dependency) => downstream.has(dependency.parent_uuid));
    let result: PlannedParent = { uuid };
    if (recreate) {
      if (bundle.bundle_type !== "run" && bundle.bundle_type !== "make") {
        throw new CodalabError(
          "VALIDATION_FAILED",
          `nothing to recreate: ${nameOf(bundle)} (${uuid}) is an uploaded ${bundle.bundle_type}, and only run and make bundles can be mimicked`,
        );
      }
      const name =
        input.name === undefined
          ? nameOf(bundle)
          : uuid === form.oldOutput
            ? input.name
            : `${input.name}-${nameOf(bundle)}`;
      steps.push({
        old_uuid: uuid,
        old_name: nameOf(bundle),
        bundle_type: bundle.bundle_type,
        command: bundle.command,
        dependencies,
        metadata: newMetadata(bundle, name, input.overrides ?? {}),
      });
      downstream.add(uuid);
      result = { step: steps.length - 1 };
    }
    mapped.set(uuid, result);
    return result;
  };

  if (form.oldOutput !== null) recurse(form.oldOutput);
  else for (const uuid of input.order) recurse(uuid);

  if (steps.length === 0) {
    const message =
      form.oldOutput !== null
        ? `nothing to recreate: ${form.oldOutput} does not depend on ${form.oldInputs.join(", ")} within --depth ${depth}`
        : `nothing to recreate: no run or make bundle depends on ${form.oldInputs.join(", ")} within --depth ${depth}`;
    throw new CodalabError("VALIDATION_FAILED", message);
  }
  return steps;
}

/** The `POST /rest/bundles` body of a step, once the bundles of earlier steps exist. */
export function mimicRequestBody(
  step: MimicStep,
  created: readonly string[],
  worksheetUuid?: string,
): CreateRunRequest | CreateMakeRequest {
  const dependencies = step.dependencies.map((dependency) => {
    const parent = dependency.parent;
    const parentUuid = "uuid" in parent ? parent.uuid : created[parent.step];
    if (parentUuid === undefined)
      throw new CodalabError("INTERNAL", `mimic: step ${JSON.stringify(parent)} not created yet`);
    return { key: dependency.key, parent_uuid: parentUuid, parent_path: dependency.parent_path };
  });
  if (step.bundle_type === "run") {
    return runRequestBody({ command: step.command ?? "", dependencies, metadata: step.metadata, worksheetUuid });
  }
  return makeRequestBody({ dependencies, metadata: step.metadata, worksheetUuid });
}

/** A worksheet item as far as placement is concerned. */
export type PlacedItem = { id: number; type: string; bundle_uuid: string | null; value: string };

/**
 * The prelude of a bundle on a worksheet: the markup and directives right before its first
 * occurrence (back to the previous bundle or worksheet item), e.g. the `% display table` that
 * shows it. Mimic copies it with the new bundle so the new result is shown the same way.
 */
export function preludeItems<T extends PlacedItem>(items: readonly T[], bundleUuid: string): T[] {
  const at = items.findIndex((item) => item.type === "bundle" && item.bundle_uuid === bundleUuid);
  if (at === -1) return [];
  let start = at;
  while (start > 0) {
    const previous = items[start - 1];
    if (previous === undefined || (previous.type !== "markup" && previous.type !== "directive")) break;
    start -= 1;
  }
  return items.slice(start, at);
}
