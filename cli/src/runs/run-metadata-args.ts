/**
 * The metadata and `--request-*` options `cl run` shares with `cl mimic` and `cl macro` (and the
 * metadata ones with `cl make`), the options they become, and the hint under a malformed one.
 */
import type { RunOptions, RunRequestField } from "@codalab/core/runs/derived-request";
import type { CodalabError } from "../core-light.ts";
import { errorField, TAGS_HINT } from "./derived-bundles.ts";

/** The metadata options of every derived bundle (run and make). */
export const BUNDLE_METADATA_ARGS = {
  description: { type: "string", alias: "d", description: "Full description of the bundle (description)." },
  tags: {
    type: "string",
    valueHint: "tag",
    description: "Space-separated list of tags used for search, e.g. machine-learning (tags).",
  },
  allowFailedDependencies: {
    type: "boolean",
    description: "Whether to allow this bundle to have failed or killed dependencies (allow_failed_dependencies).",
  },
} as const;

export const RUN_METADATA_ARGS = {
  ...BUNDLE_METADATA_ARGS,
  requestDockerImage: {
    type: "string",
    valueHint: "image",
    description:
      "Which docker image (either tag or digest, e.g., codalab/default-cpu:latest) we wish to use (request_docker_image).",
  },
  requestTime: {
    type: "string",
    valueHint: "duration",
    description:
      "Amount of time (e.g., 3, 3m, 3h, 3d) allowed for this run (request_time). Defaults to user time quota left.",
  },
  requestMemory: {
    type: "string",
    valueHint: "size",
    description: "Amount of memory (e.g., 3, 3k, 3m, 3g, 3t) allowed for this run (request_memory). Default: 2g.",
  },
  requestDisk: {
    type: "string",
    valueHint: "size",
    description:
      "Amount of disk space (e.g., 3, 3k, 3m, 3g, 3t) allowed for this run (request_disk). Defaults to user disk quota left.",
  },
  requestCpus: {
    type: "string",
    valueHint: "count",
    description: "Number of CPUs allowed for this run (request_cpus). Default: 1.",
  },
  requestGpus: {
    type: "string",
    valueHint: "count",
    description: "Number of GPUs allowed for this run (request_gpus). Default: 0.",
  },
  requestQueue: { type: "string", valueHint: "tag", description: "Submit run to this job queue (request_queue)." },
  requestPriority: {
    type: "string",
    valueHint: "priority",
    description:
      "Job priority (request_priority). Higher is more important. Negative priority bundles are queued behind bundles with no specified priority.",
  },
  requestNetwork: {
    type: "boolean",
    description: "Whether to allow network access (request_network). Default: no network.",
  },
  excludePatterns: {
    type: "string",
    valueHint: "pattern",
    description: "Exclude these file patterns from being saved into the bundle contents (exclude_patterns).",
  },
} as const;

/** How to write each request, for the hint under a malformed one. */
export const FIELD_HINTS: Record<RunRequestField | "exclude_patterns" | "tags", string> = {
  request_docker_image: "--request-docker-image takes an image reference such as codalab/default-cpu:latest",
  request_time: "--request-time takes seconds, or a number with s, m, h, d, w or y (90m, 3h, 2d)",
  request_memory: "--request-memory takes bytes, or a number with k, m, g or t (512m, 2g)",
  request_disk: "--request-disk takes bytes, or a number with k, m, g or t (500m, 10g)",
  request_cpus: "--request-cpus takes a whole number (default 1)",
  request_gpus: "--request-gpus takes a whole number (default 0)",
  request_queue: "--request-queue takes a worker tag, e.g. gpu or tag=gpu",
  request_priority: "--request-priority takes an integer: higher runs first, negative ones after runs without one",
  request_network: "--request-network is a flag and takes no value",
  exclude_patterns: "--exclude-patterns takes globs such as '*.tmp' or 'cache/*'",
  tags: TAGS_HINT,
};

/** The hint for a refused option, if the refusal names one. */
export function fieldHint(error: CodalabError): string | undefined {
  const field = errorField(error);
  return field !== undefined && field in FIELD_HINTS ? FIELD_HINTS[field as keyof typeof FIELD_HINTS] : undefined;
}

type MetadataArgs = {
  [K in keyof typeof RUN_METADATA_ARGS]?: (typeof RUN_METADATA_ARGS)[K]["type"] extends "boolean" ? boolean : string;
};

/** The options as typed; list options (tags, exclude patterns) come from the list parser. */
export function runOptionsFrom(
  args: MetadataArgs & { name?: string },
  lists: { tags?: readonly string[]; excludePatterns?: readonly string[] },
): RunOptions {
  return {
    name: args.name,
    description: args.description,
    tags: lists.tags,
    allowFailedDependencies: args.allowFailedDependencies,
    requestDockerImage: args.requestDockerImage,
    requestTime: args.requestTime,
    requestMemory: args.requestMemory,
    requestDisk: args.requestDisk,
    requestCpus: args.requestCpus,
    requestGpus: args.requestGpus,
    requestQueue: args.requestQueue,
    requestPriority: args.requestPriority,
    requestNetwork: args.requestNetwork,
    excludePatterns: lists.excludePatterns,
  };
}
