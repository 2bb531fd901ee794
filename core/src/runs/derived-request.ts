/**
 * The options of `cl run` and `cl make` → the body of `POST /rest/bundles` (core/src/api/runs.ts),
 * shared by the CLI and the web's run form. Fills CodaLab's client-side defaults and checks every
 * request with the server's own parser (`parseRunRequests`), so a typo in a unit fails before any
 * spec is resolved or any bundle created, with the message the server would give.
 */
import type { CreateMakeRequest, CreateRunRequest, DependencyRequest } from "../api/runs.ts";
import { CodalabError } from "../errors.ts";
import { formatSize } from "../format/size.ts";
import { defaultMakeName, defaultRunName, validateName } from "../names/default-names.ts";
import {
  DEFAULT_RUN_LIMITS,
  MIN_REQUEST_MEMORY_BYTES,
  parseRunRequests,
  resolveRunRequirements,
  type UserRunQuota,
} from "./resources.ts";

/** Metadata both derived types take, as the user typed it. */
export type DerivedOptions = {
  name?: string;
  description?: string;
  tags?: readonly string[];
  allowFailedDependencies?: boolean;
};

/** `--request-*` values are kept as typed ("2g", "3h"); the server stores them as bytes and seconds. */
export type RunOptions = DerivedOptions & {
  requestDockerImage?: string;
  requestTime?: string;
  requestMemory?: string;
  requestDisk?: string;
  requestCpus?: string;
  requestGpus?: string;
  requestQueue?: string;
  requestPriority?: string;
  requestNetwork?: boolean;
  excludePatterns?: readonly string[];
};

/**
 * What CodaLab's client fills in when a flag is not given (its RunBundle metadata defaults).
 * Network is the exception: CodaLab allowed it by default, here a run is offline unless it asks.
 * Unset time and disk stay null: the server defaults them to what is left of the owner's quota.
 */
export const RUN_DEFAULTS = {
  request_memory: "2g",
  request_cpus: 1,
  request_gpus: 0,
  request_network: false,
} as const;

/** A dependency whose target spec has been resolved to a bundle. */
export type ResolvedDependency = { key: string; parent_uuid: string; parent_path: string };

export type RunMetadata = CreateRunRequest["metadata"];
export type MakeMetadata = CreateMakeRequest["metadata"];

/** The run request field a `--request-*` flag (or form field) sets, for errors that name it. */
export const RUN_REQUEST_FIELDS = [
  "request_docker_image",
  "request_time",
  "request_memory",
  "request_disk",
  "request_cpus",
  "request_gpus",
  "request_queue",
  "request_priority",
  "request_network",
] as const;
export type RunRequestField = (typeof RUN_REQUEST_FIELDS)[number];

function derivedMetadata(options: DerivedOptions, defaultName: string): MakeMetadata {
  const name = validateName(options.name ?? defaultName, "bundle name");
  const metadata: MakeMetadata = {
    name,
    description: options.description ?? "",
    tags: [...(options.tags ?? [])],
    allow_failed_dependencies: options.allowFailedDependencies === true,
  };
  const emptyTag = metadata.tags?.find((tag) => tag.trim() === "");
  if (emptyTag !== undefined) throw new CodalabError("VALIDATION_FAILED", "tags cannot be empty", { field: "tags" });
  return metadata;
}

/**
 * Run metadata with CodaLab's defaults. Throws VALIDATION_FAILED with `details.field` naming the
 * request that is malformed (checked one at a time so the message and the field agree).
 */
export function runMetadata(command: string, options: RunOptions): RunMetadata {
  const requests = {
    request_docker_image: options.requestDockerImage ?? null,
    request_time: options.requestTime ?? null,
    request_memory: options.requestMemory ?? RUN_DEFAULTS.request_memory,
    request_disk: options.requestDisk ?? null,
    request_cpus: options.requestCpus ?? RUN_DEFAULTS.request_cpus,
    request_gpus: options.requestGpus ?? RUN_DEFAULTS.request_gpus,
    request_queue: options.requestQueue ?? null,
    request_priority: options.requestPriority ?? null,
    request_network: options.requestNetwork ?? RUN_DEFAULTS.request_network,
  } satisfies Record<RunRequestField, unknown>;
  for (const field of RUN_REQUEST_FIELDS) {
    try {
      parseRunRequests({ [field]: requests[field] });
    } catch (error) {
      if (error instanceof CodalabError) throw new CodalabError(error.code, error.message, { field });
      throw error;
    }
  }
  const memory = parseRunRequests({ request_memory: requests.request_memory }).memory;
  if (memory !== null && memory < MIN_REQUEST_MEMORY_BYTES) {
    // Docker refuses smaller limits; the server would fail the run when staging it.
    throw new CodalabError(
      "VALIDATION_FAILED",
      `invalid request_memory: ${formatSize(memory)} is below the minimum of ${formatSize(MIN_REQUEST_MEMORY_BYTES)}`,
      { field: "request_memory" },
    );
  }
  const excludePatterns = [...(options.excludePatterns ?? [])];
  const badPattern = excludePatterns.find((pattern) => pattern === "" || /[\0\n\r]/.test(pattern));
  if (badPattern !== undefined) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `invalid exclude pattern ${JSON.stringify(badPattern)}: patterns are non-empty globs without NUL or newlines`,
      { field: "exclude_patterns" },
    );
  }
  return { ...derivedMetadata(options, defaultRunName(command)), ...requests, exclude_patterns: excludePatterns };
}

/**
 * Why the owner's quotas cannot cover the run, in the words the run would fail with when staged
 * ("Requested more time (2y) than user time quota left (1y) by 1y"), or null. Only quotas are
 * checked here: the instance's maximums are the server's to apply.
 */
export function quotaRefusal(metadata: RunMetadata, quota: UserRunQuota): string | null {
  const resolved = resolveRunRequirements(metadata, quota, {
    ...DEFAULT_RUN_LIMITS,
    max_request_time: null,
    max_request_memory: null,
    max_request_disk: null,
  });
  return resolved.ok ? null : resolved.failure_message;
}

function dependencyRequests(dependencies: readonly ResolvedDependency[]): DependencyRequest[] {
  return dependencies.map(({ key, parent_uuid, parent_path }) => ({ child_path: key, parent_uuid, parent_path }));
}

/** The body of `POST /rest/bundles` for a run; `worksheetUuid` is the host worksheet, if any. */
export function runRequestBody(input: {
  command: string;
  dependencies: readonly ResolvedDependency[];
  metadata: RunMetadata;
  worksheetUuid?: string;
}): CreateRunRequest {
  return {
    bundle_type: "run",
    command: input.command,
    dependencies: dependencyRequests(input.dependencies),
    metadata: input.metadata,
    ...(input.worksheetUuid === undefined ? {} : { worksheet_uuid: input.worksheetUuid }),
  };
}

/** Make metadata; the default name comes from the targets as typed (`cl make data/x` → `x`). */
export function makeMetadata(targets: readonly string[], options: DerivedOptions): MakeMetadata {
  return derivedMetadata(options, defaultMakeName(targets));
}

export function makeRequestBody(input: {
  dependencies: readonly ResolvedDependency[];
  metadata: MakeMetadata;
  worksheetUuid?: string;
}): CreateMakeRequest {
  return {
    bundle_type: "make",
    dependencies: dependencyRequests(input.dependencies),
    metadata: input.metadata,
    ...(input.worksheetUuid === undefined ? {} : { worksheet_uuid: input.worksheetUuid }),
  };
}
