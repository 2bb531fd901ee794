/**
 * The run builder's fields → a checked run request (spec §10.7 "Run builder"), with the same
 * rules and messages as `cl run`: core's `runMetadata` applies CodaLab's defaults and the
 * server's request parser, dependency keys are derived and checked by core. Only resolving the
 * bundle specs needs the server, so it is a separate step (`resolve`).
 */
import type { CreateRunRequest } from "@codalab/core/api/runs";
import { CodalabError } from "@codalab/core/errors";
import { type RunOptions, runMetadata, runRequestBody } from "@codalab/core/runs/derived-request";
import { checkDependencyKeys, deriveDependencyKey, normalizeDependencyKey } from "@codalab/core/spec/dependency-args";
import { parseTargetSpec, type TargetSpec } from "@codalab/core/spec/target-spec";

export type DependencyRow = {
  /** "" derives the key from the path or the bundle's name, as `cl run :bundle` does. */
  key: string;
  /** A bundle spec: name, uuid (prefix), `^N`, `worksheet//name`. */
  bundle: string;
  /** Path inside the bundle; "" for the whole bundle. */
  path: string;
};

export type RunFormValues = {
  command: string;
  dependencies: DependencyRow[];
  name: string;
  description: string;
  tags: string;
  dockerImage: string;
  time: string;
  memory: string;
  disk: string;
  cpus: string;
  gpus: string;
  queue: string;
  priority: string;
  network: boolean;
  allowFailedDependencies: boolean;
  excludePatterns: string;
};

export const EMPTY_RUN_FORM: RunFormValues = {
  command: "",
  dependencies: [],
  name: "",
  description: "",
  tags: "",
  dockerImage: "",
  time: "",
  memory: "",
  disk: "",
  cpus: "",
  gpus: "",
  queue: "",
  priority: "",
  network: false,
  allowFailedDependencies: false,
  excludePatterns: "",
};

/** Which form field a problem belongs to: a field name or `dependencies.<row>`. */
export class RunFormError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export type CheckedRunForm = {
  command: string;
  /** One per dependency row, with its final key. */
  dependencies: { key: string; spec: TargetSpec }[];
  metadata: CreateRunRequest["metadata"];
};

const FIELD_OF_REQUEST: Readonly<Record<string, keyof RunFormValues>> = {
  request_docker_image: "dockerImage",
  request_time: "time",
  request_memory: "memory",
  request_disk: "disk",
  request_cpus: "cpus",
  request_gpus: "gpus",
  request_queue: "queue",
  request_priority: "priority",
  request_network: "network",
  exclude_patterns: "excludePatterns",
  tags: "tags",
};

const blankToUndefined = (text: string) => (text.trim() === "" ? undefined : text.trim());
const words = (text: string) => text.split(/[\s,]+/).filter((word) => word !== "");

/** Checks everything that can be checked without the server; throws RunFormError naming the field. */
export function checkRunForm(values: RunFormValues): CheckedRunForm {
  const command = values.command.trim();
  if (command === "") throw new RunFormError("command", "Write the command to run.");
  const dependencies = values.dependencies
    .filter((row) => row.bundle.trim() !== "" || row.key.trim() !== "" || row.path.trim() !== "")
    .map((row, index) => {
      const field = `dependencies.${index}`;
      try {
        if (row.bundle.trim() === "")
          throw new CodalabError("VALIDATION_FAILED", "choose the bundle this dependency is on");
        const path = row.path.trim().replace(/^\/+/, "");
        const spec = parseTargetSpec(path === "" ? row.bundle.trim() : `${row.bundle.trim()}/${path}`);
        const key = normalizeDependencyKey(row.key.trim() === "" ? deriveDependencyKey(spec) : row.key.trim());
        return { key, spec };
      } catch (error) {
        if (error instanceof CodalabError) throw new RunFormError(field, capitalise(error.message));
        throw error;
      }
    });
  try {
    checkDependencyKeys(dependencies.map((dependency) => dependency.key));
  } catch (error) {
    if (error instanceof CodalabError) throw new RunFormError("dependencies", capitalise(error.message));
    throw error;
  }
  const options: RunOptions = {
    name: blankToUndefined(values.name),
    description: values.description.trim(),
    tags: words(values.tags),
    allowFailedDependencies: values.allowFailedDependencies,
    requestDockerImage: blankToUndefined(values.dockerImage),
    requestTime: blankToUndefined(values.time),
    requestMemory: blankToUndefined(values.memory),
    requestDisk: blankToUndefined(values.disk),
    requestCpus: blankToUndefined(values.cpus),
    requestGpus: blankToUndefined(values.gpus),
    requestQueue: blankToUndefined(values.queue),
    requestPriority: blankToUndefined(values.priority),
    requestNetwork: values.network,
    excludePatterns: words(values.excludePatterns),
  };
  try {
    return { command, dependencies, metadata: runMetadata(command, options) };
  } catch (error) {
    if (!(error instanceof CodalabError)) throw error;
    const details = error.details as { field?: unknown } | undefined;
    const requestField = typeof details?.field === "string" ? details.field : undefined;
    const field =
      requestField === undefined
        ? /name/.test(error.message)
          ? "name"
          : "form"
        : (FIELD_OF_REQUEST[requestField] ?? "form");
    throw new RunFormError(field, capitalise(error.message));
  }
}

/** The request to send, once each dependency's bundle spec has been resolved to a uuid. */
export function runRequest(
  checked: CheckedRunForm,
  parentUuids: readonly string[],
  worksheetUuid: string,
): CreateRunRequest {
  return runRequestBody({
    command: checked.command,
    dependencies: checked.dependencies.map((dependency, index) => ({
      key: dependency.key,
      parent_uuid: parentUuids[index] ?? "",
      parent_path: dependency.spec.subpath,
    })),
    metadata: checked.metadata,
    worksheetUuid,
  });
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** A past run's settings, to edit and run again ("rerun"). Sizes and times are sent back as stored. */
export function formFromBundle(bundle: {
  command: string | null;
  metadata: Record<string, unknown>;
  dependencies: { child_path: string; parent_uuid: string; parent_path: string }[];
}): RunFormValues {
  const text = (key: string) => {
    const value = bundle.metadata[key];
    return value === null || value === undefined ? "" : Array.isArray(value) ? value.join(" ") : String(value);
  };
  return {
    command: bundle.command ?? "",
    dependencies: bundle.dependencies.map((dependency) => ({
      key: dependency.child_path,
      bundle: dependency.parent_uuid,
      path: dependency.parent_path,
    })),
    name: text("name"),
    description: text("description"),
    tags: text("tags"),
    dockerImage: text("request_docker_image"),
    time: text("request_time"),
    memory: text("request_memory"),
    disk: text("request_disk"),
    cpus: text("request_cpus"),
    gpus: text("request_gpus"),
    queue: text("request_queue"),
    priority: text("request_priority"),
    network: bundle.metadata.request_network === true,
    allowFailedDependencies: bundle.metadata.allow_failed_dependencies === true,
    excludePatterns: text("exclude_patterns"),
  };
}
