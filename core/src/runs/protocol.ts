/**
 * The runner ↔ server WebSocket protocol (design §4), versioned, as zod schemas parsed on both
 * ends. Every frame is one JSON object with a `type`; binary payloads travel base64-encoded in
 * `read_chunk` so one text frame type suffices.
 *
 * Delivery: commands that change a run (assign, kill, write, mark_finalized, reconcile) carry a
 * `seq`; the runner answers each with `ack {seq}` and must treat a repeated `seq` or a repeated
 * command for the same run as a no-op, because the server re-sends unacknowledged commands after a
 * reconnect (at-least-once). Reads are live requests: not queued, answered by correlation `id`.
 *
 * Runner obligations: send `hello` first (listing the runs it holds), then `heartbeat` every
 * `heartbeat_interval_ms` from `welcome`; after each `welcome`, report every held run again
 * (`run_update`, or `run_finished` once done); upload a run's results before `run_finished`; on
 * `kill` of a run it holds in any stage (even `finalizing`), stop it and forget it unless told to
 * keep it; ignore a `kill` of a run it does not know; follow `reconcile`. A runner that gives a
 * run up before it finished (shutting down, CodaLab's `--pass-down-termination`) stops it, deletes
 * it and says `run_restaged`: the server stages it again for another worker at once.
 *
 * Versions: 2 adds `follow` reads (a file streamed as it grows until the run stops running; the
 * runner answers at once with an empty chunk, then with bytes as they are written) and
 * `read_cancel` (the server no longer wants a read's answer). The server speaks every version in
 * SUPPORTED_PROTOCOL_VERSIONS, answers `welcome` with the lower of the runner's and its own, and
 * sends version-2 messages only to runners that said 2 or more in `hello`.
 *
 * Size limits: a frame is at most MAX_MESSAGE_BYTES (1 MiB, the oldest WebSocket receive limit of
 * Workers; newer runtimes accept 32 MiB); a read chunk carries at most MAX_READ_CHUNK_BYTES raw
 * bytes (base64 makes that ~342 KiB); a `write` string at most MAX_WRITE_BYTES; free-text fields
 * are capped so that a queued command always fits one Durable Object storage value.
 */
import { z } from "zod";
import { CodalabError } from "../errors.ts";

export const PROTOCOL_VERSION = 2;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** The first version whose runners answer `follow` reads and `read_cancel`. */
export const FOLLOW_PROTOCOL_VERSION = 2;
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_READ_CHUNK_BYTES = 256 * 1024;
export const MAX_WRITE_BYTES = 256 * 1024;
export const MAX_COMMAND_BYTES = 256 * 1024;
export const MAX_STATUS_LENGTH = 1024;
export const MAX_FAILURE_MESSAGE_LENGTH = 16 * 1024;
export const MAX_HELD_RUNS = 1000;
export const MAX_CACHED_DEPENDENCIES = 10_000;

const Uuid = z.string().regex(/^0x[0-9a-f]{32}$/, "must be a bundle uuid (0x followed by 32 hex digits)");
const CorrelationId = z.string().min(1).max(128);
const Seq = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const Bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Seconds = z.number().nonnegative();
const Text = (max: number) => z.string().max(max);
/** CodaLab's worker tag rule: letters, digits and hyphens. */
const Tag = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "must be letters, digits and hyphens");

export const RUNNER_STAGES = ["preparing", "running", "uploading", "finalizing"] as const;
export type RunnerStage = (typeof RUNNER_STAGES)[number];
export const RUNTIMES = ["docker", "process"] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const DependencyKeySchema = z.object({ parent_uuid: Uuid, parent_path: Text(4096) });
export type DependencyKeyWire = z.infer<typeof DependencyKeySchema>;

export const CapacitySchema = z.object({
  cpus: Count,
  gpus: Count,
  memory_bytes: Bytes,
  free_disk_bytes: Bytes,
});
export type Capacity = z.infer<typeof CapacitySchema>;

export const HeldRunSchema = z.object({ uuid: Uuid, stage: z.enum(RUNNER_STAGES) });
export type HeldRun = z.infer<typeof HeldRunSchema>;

/** Resource use of a run. Seconds, bytes, and fractions (cpu_usage may exceed 1 with several cores). */
export const UsageSchema = z.object({
  time: Seconds.optional(),
  time_user: Seconds.optional(),
  time_system: Seconds.optional(),
  memory: Bytes.optional(),
  memory_max: Bytes.optional(),
  cpu_usage: z.number().nonnegative().optional(),
  memory_usage: z.number().nonnegative().optional(),
  disk_bytes: Bytes.optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Seconds spent in each worker stage (CodaLab's `bundle_profile_stats`). */
export const StageTimesSchema = z.object({
  preparing: Seconds.optional(),
  running: Seconds.optional(),
  cleaning_up: Seconds.optional(),
  uploading_results: Seconds.optional(),
});
export type StageTimes = z.infer<typeof StageTimesSchema>;

export type TargetInfo = {
  name: string;
  type: "file" | "directory" | "link";
  size: number;
  perm: number;
  link?: string;
  contents?: TargetInfo[];
};
export const TargetInfoSchema: z.ZodType<TargetInfo> = z.lazy(() =>
  z.object({
    name: Text(4096),
    type: z.enum(["file", "directory", "link"]),
    size: Bytes,
    perm: z.number().int().nonnegative(),
    link: Text(4096).optional(),
    contents: z.array(TargetInfoSchema).max(100_000).optional(),
  }),
);

// Runner → server.

export const HelloSchema = z.object({
  type: z.literal("hello"),
  protocol_version: z.number().int().positive(),
  /** The runner's own name for itself (`--id`), unique per owner. */
  worker_name: z.string().min(1).max(128),
  hostname: Text(255),
  runtime: z.enum(RUNTIMES),
  capacity: CapacitySchema,
  tag: Tag.nullable().default(null),
  tag_exclusive: z.boolean().default(false),
  /** Name or uuid of the group whose members' runs this worker takes. */
  group: z.string().min(1).max(128).nullable().default(null),
  /** Runs it will still take before exiting (`--exit-after-num-runs`); null = no limit. */
  max_runs: Count.nullable().default(null),
  preemptible: z.boolean().default(false),
  is_terminating: z.boolean().default(false),
  runs: z.array(HeldRunSchema).max(MAX_HELD_RUNS),
  cached_dependencies: z.array(DependencyKeySchema).max(MAX_CACHED_DEPENDENCIES),
  agent_version: Text(64).optional(),
});

export const RunAckSchema = z.object({ type: z.literal("run_ack"), uuid: Uuid });
export const RunRejectedSchema = z.object({
  type: z.literal("run_rejected"),
  uuid: Uuid,
  reason: Text(MAX_STATUS_LENGTH),
});

export const RunUpdateSchema = z.object({
  type: z.literal("run_update"),
  uuid: Uuid,
  stage: z.enum(RUNNER_STAGES),
  run_status: Text(MAX_STATUS_LENGTH),
  usage: UsageSchema.default({}),
  /** The image digest actually used. */
  docker_image: Text(512).nullable().optional(),
  stage_times: StageTimesSchema.optional(),
  /** How the run is contained, recorded on the run (a restarted runner may use another runtime). */
  runtime: z.enum(RUNTIMES).optional(),
});

/** The runner gave the run up unfinished (stopped and deleted it): stage it again elsewhere. */
export const RunRestagedSchema = z.object({
  type: z.literal("run_restaged"),
  uuid: Uuid,
  reason: Text(MAX_STATUS_LENGTH),
});

export const RunFinishedSchema = z.object({
  type: z.literal("run_finished"),
  uuid: Uuid,
  exitcode: z.number().int().nullable(),
  failure_message: Text(MAX_FAILURE_MESSAGE_LENGTH).nullable(),
  /** The container was killed (by request or by a resource limit; the message tells which). */
  killed: z.boolean().default(false),
  usage: UsageSchema.default({}),
  docker_image: Text(512).nullable().optional(),
  stage_times: StageTimesSchema.optional(),
  runtime: z.enum(RUNTIMES).optional(),
});

export const ReadChunkSchema = z.object({
  type: z.literal("read_chunk"),
  id: CorrelationId,
  index: Count,
  /** Base64 of at most MAX_READ_CHUNK_BYTES bytes. */
  data: z
    .string()
    .max(Math.ceil(MAX_READ_CHUNK_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
});

export const ReadEndSchema = z.object({
  type: z.literal("read_end"),
  id: CorrelationId,
  /** How many chunks were sent, so the server can tell a lost chunk from the end. */
  chunks: Count,
  /** The answer of an `info` read. */
  info: TargetInfoSchema.optional(),
});

export const READ_ERROR_CODES = ["not_found", "not_running", "invalid_path", "too_large", "internal"] as const;
export const ReadErrorSchema = z.object({
  type: z.literal("read_error"),
  id: CorrelationId,
  code: z.enum(READ_ERROR_CODES),
  message: Text(MAX_STATUS_LENGTH),
});

export const HeartbeatSchema = z.object({ type: z.literal("heartbeat") });
export const PongSchema = z.object({ type: z.literal("pong"), nonce: Text(64) });

export const CapacityUpdateSchema = z.object({
  type: z.literal("capacity_update"),
  capacity: CapacitySchema.partial().optional(),
  cached_dependencies: z.array(DependencyKeySchema).max(MAX_CACHED_DEPENDENCIES).optional(),
  max_runs: Count.nullable().optional(),
  is_terminating: z.boolean().optional(),
});

export const AckSchema = z.object({ type: z.literal("ack"), seq: Seq });

export const RunnerMessageSchema = z.discriminatedUnion("type", [
  HelloSchema,
  RunAckSchema,
  RunRejectedSchema,
  RunUpdateSchema,
  RunRestagedSchema,
  RunFinishedSchema,
  ReadChunkSchema,
  ReadEndSchema,
  ReadErrorSchema,
  HeartbeatSchema,
  PongSchema,
  CapacityUpdateSchema,
  AckSchema,
]);
export type RunnerMessage = z.infer<typeof RunnerMessageSchema>;
export type RunnerMessageInput = z.input<typeof RunnerMessageSchema>;
export type Hello = z.infer<typeof HelloSchema>;
export type RunUpdate = z.infer<typeof RunUpdateSchema>;
export type RunFinished = z.infer<typeof RunFinishedSchema>;

// Server → runner.

export const WelcomeSchema = z.object({
  type: z.literal("welcome"),
  protocol_version: z.number().int().positive(),
  worker_id: z.string().min(1).max(128),
  /** Server clock, ms since the epoch, so the runner can report times in server terms. */
  server_time: z.number().int().nonnegative(),
  heartbeat_interval_ms: z.number().int().positive(),
});

export const RequirementsWireSchema = z.object({
  docker_image: Text(512).min(1),
  /** Seconds. */
  time: Seconds,
  memory: Bytes,
  disk: Bytes,
  cpus: Count,
  gpus: Count,
  network: z.boolean(),
});
export type RequirementsWire = z.infer<typeof RequirementsWireSchema>;

export const AssignedDependencySchema = z.object({
  /** The key: where the dependency is mounted in the run's directory. */
  child_path: Text(4096),
  parent_uuid: Uuid,
  parent_path: Text(4096),
  parent_name: Text(255).optional(),
});

export const AssignedRunSchema = z.object({
  uuid: Uuid,
  command: Text(MAX_COMMAND_BYTES),
  owner_id: z.string().min(1).max(128),
  dependencies: z.array(AssignedDependencySchema).max(10_000),
  requirements: RequirementsWireSchema,
  exclude_patterns: z.array(Text(4096)).max(1000).default([]),
});
export type AssignedRun = z.infer<typeof AssignedRunSchema>;

export const AssignSchema = z.object({ type: z.literal("assign"), seq: Seq, run: AssignedRunSchema });
export const KillSchema = z.object({
  type: z.literal("kill"),
  seq: Seq,
  uuid: Uuid,
  message: Text(MAX_FAILURE_MESSAGE_LENGTH),
});
export const WriteSchema = z.object({
  type: z.literal("write"),
  seq: Seq,
  uuid: Uuid,
  subpath: Text(4096).min(1),
  string: Text(MAX_WRITE_BYTES),
});
export const MarkFinalizedSchema = z.object({ type: z.literal("mark_finalized"), seq: Seq, uuid: Uuid });
/** After a reconnect: which of the runs the runner reported it should keep, and which to kill and drop. */
export const ReconcileSchema = z.object({
  type: z.literal("reconcile"),
  seq: Seq,
  keep: z.array(Uuid).max(MAX_HELD_RUNS),
  kill: z.array(Uuid).max(MAX_HELD_RUNS),
});

export const ReadSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("info"), depth: z.number().int().min(0).max(10) }),
  z.object({ kind: z.literal("file"), offset: Bytes, length: Bytes }),
  z.object({
    kind: z.literal("summary"),
    head: Count,
    tail: Count,
    max_line_length: Count.optional(),
    truncation_text: Text(256).optional(),
  }),
  z.object({ kind: z.literal("stream_directory") }),
  /** Bytes of a file from `offset` on, sent as they are written until the run stops running (version 2). */
  z.object({ kind: z.literal("follow"), offset: Bytes }),
]);
export type ReadSpec = z.infer<typeof ReadSpecSchema>;

export const ReadSchema = z.object({
  type: z.literal("read"),
  id: CorrelationId,
  uuid: Uuid,
  /** Path inside the run's directory ("" = the root). */
  path: Text(4096),
  spec: ReadSpecSchema,
});

/** The reply to a read is no longer wanted: stop sending it (version 2). */
export const ReadCancelSchema = z.object({ type: z.literal("read_cancel"), id: CorrelationId });

export const PingSchema = z.object({ type: z.literal("ping"), nonce: Text(64) });
/** Sent before the server closes the socket for a protocol problem. */
export const ProtocolErrorSchema = z.object({
  type: z.literal("error"),
  code: z.string().max(64),
  message: Text(MAX_STATUS_LENGTH),
  fatal: z.boolean(),
});

export const ServerMessageSchema = z.discriminatedUnion("type", [
  WelcomeSchema,
  AssignSchema,
  KillSchema,
  WriteSchema,
  ReadSchema,
  ReadCancelSchema,
  MarkFinalizedSchema,
  ReconcileSchema,
  PingSchema,
  ProtocolErrorSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type ServerMessageInput = z.input<typeof ServerMessageSchema>;

/** The server messages that are queued until acknowledged. */
export const COMMAND_TYPES = ["assign", "kill", "write", "mark_finalized", "reconcile"] as const;
export type ServerCommand = Extract<ServerMessage, { type: (typeof COMMAND_TYPES)[number] }>;
/** A command before the session numbers it. */
export type CommandInput = ServerCommand extends infer C ? (C extends ServerCommand ? Omit<C, "seq"> : never) : never;

export function isCommand(message: ServerMessage): message is ServerCommand {
  return (COMMAND_TYPES as readonly string[]).includes(message.type);
}

const RUNNER_TYPES: ReadonlySet<string> = new Set<string>(
  RunnerMessageSchema.options.map((option) => option.shape.type.value),
);

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: CodalabError };

function failure(message: string): { ok: false; error: CodalabError } {
  return { ok: false, error: new CodalabError("VALIDATION_FAILED", `protocol error: ${message}`) };
}

function decodeFrame(data: string | ArrayBuffer | ArrayBufferView): ParseResult<unknown> {
  let text: string;
  if (typeof data === "string") {
    // A JS string is at most 3 bytes of UTF-8 per UTF-16 unit; measure exactly only when it matters.
    if (data.length * 3 > MAX_MESSAGE_BYTES && new TextEncoder().encode(data).byteLength > MAX_MESSAGE_BYTES) {
      return failure(`message larger than ${MAX_MESSAGE_BYTES} bytes`);
    }
    text = data;
  } else {
    if (data.byteLength > MAX_MESSAGE_BYTES) return failure(`message larger than ${MAX_MESSAGE_BYTES} bytes`);
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(data as Uint8Array);
    } catch {
      return failure("binary frame is not UTF-8 JSON");
    }
  }
  try {
    return { ok: true, message: JSON.parse(text) };
  } catch {
    return failure("frame is not JSON");
  }
}

function describeIssues(type: unknown, error: z.ZodError): string {
  const what = typeof type === "string" ? `${type} message` : "message";
  const details = error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "type"}: ${issue.message}`)
    .join("; ");
  return `invalid ${what}: ${details}`;
}

function parseWith<T>(schema: z.ZodType<T>, data: string | ArrayBuffer | ArrayBufferView): ParseResult<T> {
  const decoded = decodeFrame(data);
  if (!decoded.ok) return decoded;
  const result = schema.safeParse(decoded.message);
  if (result.success) return { ok: true, message: result.data };
  const type =
    typeof decoded.message === "object" && decoded.message !== null ? Reflect.get(decoded.message, "type") : undefined;
  return failure(describeIssues(type, result.error));
}

/** Parses one frame received by the server. Never throws. */
export function parseRunnerMessage(data: string | ArrayBuffer | ArrayBufferView): ParseResult<RunnerMessage> {
  return parseWith(RunnerMessageSchema, data);
}

/** Parses one frame received by the runner. Never throws. */
export function parseServerMessage(data: string | ArrayBuffer | ArrayBufferView): ParseResult<ServerMessage> {
  return parseWith(ServerMessageSchema, data);
}

/**
 * Validates and serialises a message for either direction. A message that does not match its
 * schema or exceeds the frame limit is a bug of the sender: VALIDATION_FAILED / PAYLOAD_TOO_LARGE.
 */
export function encodeMessage(message: RunnerMessageInput | ServerMessageInput): string {
  const schema: z.ZodType<unknown> = RUNNER_TYPES.has(message.type) ? RunnerMessageSchema : ServerMessageSchema;
  const result = schema.safeParse(message);
  if (!result.success)
    throw new CodalabError("VALIDATION_FAILED", `protocol error: ${describeIssues(message.type, result.error)}`);
  const text = JSON.stringify(result.data);
  if (text.length * 3 > MAX_MESSAGE_BYTES && new TextEncoder().encode(text).byteLength > MAX_MESSAGE_BYTES) {
    throw new CodalabError(
      "PAYLOAD_TOO_LARGE",
      `protocol error: ${message.type} message larger than ${MAX_MESSAGE_BYTES} bytes`,
    );
  }
  return text;
}

/** Base64 for `read_chunk.data`; works the same in Workers, browsers and Node (no Buffer). */
export function encodeChunk(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_READ_CHUNK_BYTES) {
    throw new CodalabError("PAYLOAD_TOO_LARGE", `a read chunk holds at most ${MAX_READ_CHUNK_BYTES} bytes`);
  }
  let binary = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

export function decodeChunk(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
