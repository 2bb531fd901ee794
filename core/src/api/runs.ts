/**
 * The runs REST contract: creating run and make bundles through `POST /rest/bundles`, acting on a
 * running bundle (kill, write) and listing compute workers. Shapes only: request fields are
 * checked for meaning by the server (`parseRunRequests`, `normalizeDependencyKey`) so the messages
 * are CodaLab's. JSON is snake_case.
 */
import { z } from "zod";
import { MAX_COMMAND_BYTES, MAX_WRITE_BYTES } from "../runs/protocol.ts";
import { MAX_BUNDLE_NAME_LENGTH, MAX_DESCRIPTION_LENGTH, MAX_TAG_LENGTH, MAX_TAGS } from "./bundles.ts";

const Uuid = z.string().regex(/^0x[0-9a-f]{32}$/, "must be a uuid: 0x followed by 32 lower-case hex digits");

/** More dependencies than this make a run no scheduler can reason about quickly. */
export const MAX_DEPENDENCIES = 1000;
export const MAX_EXCLUDE_PATTERNS = 1000;

export const DependencyRequestSchema = z.object({
  /** The key: where the parent appears inside the new bundle; "" only for make's single unkeyed target. */
  child_path: z.string().max(4096),
  parent_uuid: Uuid,
  /** Path inside the parent ("" = the whole parent). */
  parent_path: z.string().max(4096).default(""),
});
export type DependencyRequest = z.infer<typeof DependencyRequestSchema>;

/** Sizes and durations may be given as numbers (bytes, seconds) or CodaLab's strings ("2g", "3h"). */
const Amount = z
  .union([z.string().max(64), z.number()])
  .nullable()
  .optional();
const IntegerLike = z
  .union([z.string().max(32), z.number()])
  .nullable()
  .optional();

const DerivedMetadataFields = {
  name: z.string().max(MAX_BUNDLE_NAME_LENGTH),
  description: z.string().max(MAX_DESCRIPTION_LENGTH).optional(),
  tags: z.array(z.string().min(1).max(MAX_TAG_LENGTH)).max(MAX_TAGS).optional(),
  /** Parents in failed or killed states are accepted (spec §2.2). */
  allow_failed_dependencies: z.boolean().optional(),
};

export const RunMetadataSchema = z.strictObject({
  ...DerivedMetadataFields,
  request_docker_image: z.string().max(512).nullable().optional(),
  request_time: Amount,
  request_memory: Amount,
  request_disk: Amount,
  request_cpus: IntegerLike,
  request_gpus: IntegerLike,
  request_queue: z.string().max(128).nullable().optional(),
  request_priority: IntegerLike,
  request_network: z
    .union([z.boolean(), z.string().max(8)])
    .nullable()
    .optional(),
  /** Globs of files not saved into the result. */
  exclude_patterns: z.array(z.string().min(1).max(4096)).max(MAX_EXCLUDE_PATTERNS).optional(),
});

export const MakeMetadataSchema = z.strictObject(DerivedMetadataFields);

const WorksheetField = {
  /** Host worksheet, as for uploads: the caller needs `all` on it. */
  worksheet_uuid: Uuid.optional(),
};

export const CreateRunRequestSchema = z.object({
  bundle_type: z.literal("run"),
  command: z
    .string()
    .min(1, "command is required")
    .refine(
      (text) => text.length * 3 <= MAX_COMMAND_BYTES || new TextEncoder().encode(text).byteLength <= MAX_COMMAND_BYTES,
      {
        message: `command may have at most ${MAX_COMMAND_BYTES} bytes`,
      },
    ),
  dependencies: z.array(DependencyRequestSchema).max(MAX_DEPENDENCIES).default([]),
  metadata: RunMetadataSchema,
  ...WorksheetField,
});
export type CreateRunRequest = z.infer<typeof CreateRunRequestSchema>;

export const CreateMakeRequestSchema = z.object({
  bundle_type: z.literal("make"),
  dependencies: z
    .array(DependencyRequestSchema)
    .min(1, "a make bundle needs at least one target")
    .max(MAX_DEPENDENCIES),
  metadata: MakeMetadataSchema,
  ...WorksheetField,
});
export type CreateMakeRequest = z.infer<typeof CreateMakeRequestSchema>;

export const CreateDerivedRequestSchema = z.discriminatedUnion("bundle_type", [
  CreateRunRequestSchema,
  CreateMakeRequestSchema,
]);
export type CreateDerivedRequest = z.infer<typeof CreateDerivedRequestSchema>;

export const KillRequestSchema = z.object({
  /** Why, recorded in the failure message after "Kill requested: ". */
  message: z.string().max(1024).optional(),
});

export const WriteRequestSchema = z.object({
  /** A top-level name in the run's directory (not a dependency key). */
  subpath: z.string().min(1).max(255),
  string: z.string().max(MAX_WRITE_BYTES),
});
export type WriteRequest = z.infer<typeof WriteRequestSchema>;

/**
 * One compute worker in `GET /rest/workers`. On a shared-pool worker seen by a user who neither
 * owns it nor is in its group (core/src/runs/worker-visibility.ts), `hostname` and `group_uuid`
 * are null and `runs` lists only the caller's runs.
 */
export const WorkerJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  owner_id: z.string(),
  owner_name: z.string().nullable(),
  group_uuid: z.string().nullable(),
  tag: z.string().nullable(),
  tag_exclusive: z.boolean(),
  shared_pool: z.boolean(),
  preemptible: z.boolean(),
  hostname: z.string().nullable(),
  runtime: z.string().nullable(),
  connected: z.boolean(),
  /** Unix seconds of the last hello or capacity report. */
  last_checkin: z.number().nullable(),
  cpus: z.number(),
  gpus: z.number(),
  memory_bytes: z.number(),
  free_disk_bytes: z.number(),
  /** Held by the runs on the worker now (their requests). */
  cpus_used: z.number(),
  gpus_used: z.number(),
  memory_used: z.number(),
  /** Runs it will still take before it exits; null = no limit. */
  max_runs: z.number().nullable(),
  is_terminating: z.boolean(),
  /**
   * Uuids of the runs it holds that the caller may see: all of them on the caller's own and
   * group workers (admins: everywhere), only the caller's own on a shared-pool worker.
   */
  runs: z.array(z.string()),
  /** How many runs it holds, the caller's or not. */
  run_count: z.number().int().min(0),
});
export type WorkerJson = z.infer<typeof WorkerJsonSchema>;

export const WorkerListResponseSchema = z.object({ workers: z.array(WorkerJsonSchema) });
