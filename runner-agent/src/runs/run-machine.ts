/**
 * One run's life on this worker as a pure state machine (spec §3.4, CodaLab's RunStage):
 *
 *   preparing ─container_started→ running ─container_exited/lost→ uploading ─upload_finished→ finalizing ─finalized→ finished
 *       └─preparation_failed/aborted────────────────────────────↗
 *
 * `uploading` covers CodaLab's CLEANING_UP and UPLOADING_RESULTS (the `phase`), which the server
 * shows as `running`. A kill only marks the record: the executor reacts by stopping whatever the
 * current stage is doing, which then ends through the normal events. Times are ms since the epoch;
 * stage times are seconds, as CodaLab's `time_preparing` etc.
 */
import { CodalabError } from "@codalab/core/errors";
import {
  AssignedRunSchema,
  RUNTIMES,
  type RunFinished,
  type RunnerMessageInput,
  type RunnerStage,
  type RunUpdate,
  StageTimesSchema,
  UsageSchema,
} from "@codalab/core/runs/protocol";
import { z } from "zod";

export const LOCAL_STAGES = ["preparing", "running", "uploading", "finalizing", "finished"] as const;
export type LocalStage = (typeof LOCAL_STAGES)[number];

export const TIME_LIMIT_MESSAGE = "Time limit exceeded.";
export const MEMORY_LIMIT_MESSAGE = "Memory limit exceeded.";
export const DISK_LIMIT_MESSAGE = "Disk limit exceeded.";

export const MountSchema = z.object({
  /** Absolute path on this machine (a dependency cache entry, or an entry inside one). */
  source: z.string().min(1),
  /** Normalized path inside the run directory. */
  target: z.string().min(1),
  type: z.enum(["file", "directory"]),
});
export type Mount = z.infer<typeof MountSchema>;

export const RunRecordSchema = z.object({
  uuid: z.string(),
  run: AssignedRunSchema,
  runtime: z.enum(RUNTIMES),
  stage: z.enum(LOCAL_STAGES),
  phase: z.enum(["cleaning_up", "uploading_results"]).nullable(),
  run_status: z.string(),
  assigned_at: z.number(),
  stage_started_at: z.number(),
  stage_times: StageTimesSchema,
  container_id: z.string().nullable(),
  started_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  has_contents: z.boolean(),
  killed: z.boolean(),
  kill_message: z.string().nullable(),
  limit_message: z.string().nullable(),
  exitcode: z.number().int().nullable(),
  failure_message: z.string().nullable(),
  usage: UsageSchema,
  docker_image: z.string().nullable(),
  mounts: z.array(MountSchema),
  gpus: z.array(z.number().int().nonnegative()),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export type RunEvent =
  | { type: "container_started"; at: number; container_id: string; docker_image: string | null; mounts: Mount[] }
  | { type: "preparation_failed"; at: number; message: string }
  /** A kill arrived while preparing: nothing ran, nothing to upload. */
  | { type: "preparation_aborted"; at: number }
  | { type: "kill_requested"; at: number; message: string }
  | { type: "limit_exceeded"; at: number; message: string }
  | { type: "container_exited"; at: number; exitcode: number | null; oom_killed: boolean }
  /** The container is gone without an exit status (runner restarted, daemon lost it). */
  | { type: "container_lost"; at: number; message: string }
  | { type: "upload_started"; at: number }
  | { type: "upload_finished"; at: number; error: string | null }
  | { type: "finalized"; at: number }
  | { type: "status"; run_status: string; usage?: Partial<RunRecord["usage"]> };

export function newRunRecord(
  run: z.input<typeof AssignedRunSchema>,
  runtime: RunRecord["runtime"],
  at: number,
  gpus: number[] = [],
): RunRecord {
  const parsed = AssignedRunSchema.parse(run);
  return {
    uuid: parsed.uuid,
    run: parsed,
    runtime,
    stage: "preparing",
    phase: null,
    run_status: "Preparing.",
    assigned_at: at,
    stage_started_at: at,
    stage_times: {},
    container_id: null,
    started_at: null,
    ended_at: null,
    has_contents: false,
    killed: false,
    kill_message: null,
    limit_message: null,
    exitcode: null,
    failure_message: null,
    usage: {},
    docker_image: null,
    mounts: [],
    gpus,
  };
}

/** The stage-times bucket the record is spending time in right now. */
function bucket(record: RunRecord): keyof RunRecord["stage_times"] | null {
  switch (record.stage) {
    case "preparing":
      return "preparing";
    case "running":
      return "running";
    case "uploading":
      return record.phase === "uploading_results" ? "uploading_results" : "cleaning_up";
    default:
      return null;
  }
}

/** Closes the current bucket at `at` and moves to the next stage/phase. */
function enter(record: RunRecord, at: number, stage: LocalStage, phase: RunRecord["phase"]): RunRecord {
  const times = { ...record.stage_times };
  const current = bucket(record);
  if (current !== null) {
    times[current] = round((times[current] ?? 0) + Math.max(0, at - record.stage_started_at) / 1000);
  }
  return { ...record, stage, phase, stage_times: times, stage_started_at: at };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function illegal(record: RunRecord, event: RunEvent): CodalabError {
  return new CodalabError("INVALID_STATE", `run ${record.uuid}: ${event.type} is not possible while ${record.stage}`);
}

/** Why the run ended badly, in CodaLab's priority: a requested kill, a limit, then whatever else. */
function endMessage(record: RunRecord, other: string | null): string | null {
  return record.kill_message ?? record.limit_message ?? other;
}

export function transitionRun(record: RunRecord, event: RunEvent): RunRecord {
  switch (event.type) {
    case "status":
      return { ...record, run_status: event.run_status, usage: { ...record.usage, ...event.usage } };
    case "kill_requested":
      if (record.stage === "finished") return record;
      if (record.killed && record.kill_message !== null) return record;
      return { ...record, killed: true, kill_message: event.message };
    case "limit_exceeded":
      if (record.stage !== "running") throw illegal(record, event);
      if (record.limit_message !== null) return record;
      return { ...record, killed: true, limit_message: event.message };
    case "container_started":
      if (record.stage !== "preparing") throw illegal(record, event);
      return {
        ...enter(record, event.at, "running", null),
        container_id: event.container_id,
        docker_image: event.docker_image,
        mounts: event.mounts,
        started_at: event.at,
        has_contents: true,
        run_status: "Running.",
      };
    case "preparation_failed":
    case "preparation_aborted": {
      if (record.stage !== "preparing") throw illegal(record, event);
      const message = event.type === "preparation_failed" ? event.message : null;
      return {
        ...enter(record, event.at, "uploading", "cleaning_up"),
        failure_message: endMessage(record, message),
        run_status: "Cleaning up.",
      };
    }
    case "container_exited": {
      if (record.stage !== "running") throw illegal(record, event);
      const oom = event.oom_killed ? MEMORY_LIMIT_MESSAGE : null;
      return {
        ...enter(record, event.at, "uploading", "cleaning_up"),
        exitcode: event.exitcode,
        ended_at: event.at,
        failure_message: record.kill_message ?? oom ?? record.limit_message,
        run_status: "Cleaning up.",
      };
    }
    case "container_lost":
      if (record.stage !== "running") throw illegal(record, event);
      return {
        ...enter(record, event.at, "uploading", "cleaning_up"),
        ended_at: event.at,
        failure_message: endMessage(record, event.message),
        run_status: "Cleaning up.",
      };
    case "upload_started":
      if (record.stage !== "uploading") throw illegal(record, event);
      if (record.phase === "uploading_results") return record;
      return { ...enter(record, event.at, "uploading", "uploading_results"), run_status: "Uploading results." };
    case "upload_finished": {
      if (record.stage !== "uploading") throw illegal(record, event);
      const failure =
        event.error === null
          ? record.failure_message
          : [record.failure_message, `Error while uploading results: ${event.error}`].filter(Boolean).join(" ");
      return {
        ...enter(record, event.at, "finalizing", null),
        failure_message: failure,
        run_status: "Finalizing.",
      };
    }
    case "finalized":
      if (record.stage !== "finalizing") throw illegal(record, event);
      return { ...enter(record, event.at, "finished", null), run_status: "Finished." };
  }
}

/** The stage the protocol knows (null once finished: nothing is reported any more). */
export function reportedStage(record: RunRecord): RunnerStage | null {
  return record.stage === "finished" ? null : record.stage;
}

/** Usage with the wall time up to `now` while the container runs. */
function usageAt(record: RunRecord, now: number): RunRecord["usage"] {
  if (record.started_at === null) return record.usage;
  const end = record.ended_at ?? now;
  return { ...record.usage, time: round(Math.max(0, end - record.started_at) / 1000) };
}

/** Stage times including the stage in progress. */
function stageTimesAt(record: RunRecord, now: number): RunRecord["stage_times"] {
  const current = bucket(record);
  if (current === null) return record.stage_times;
  return enter(record, now, record.stage, record.phase).stage_times;
}

export function runUpdateMessage(record: RunRecord, now: number): RunUpdate | null {
  const stage = reportedStage(record);
  if (stage === null) return null;
  return {
    type: "run_update",
    uuid: record.uuid,
    stage,
    run_status: record.run_status.slice(0, 1024),
    usage: usageAt(record, now),
    docker_image: record.docker_image,
    stage_times: stageTimesAt(record, now),
    runtime: record.runtime,
  };
}

export function runFinishedMessage(record: RunRecord, now: number): RunFinished {
  return {
    type: "run_finished",
    uuid: record.uuid,
    exitcode: record.exitcode,
    failure_message: record.failure_message === null ? null : record.failure_message.slice(0, 16 * 1024),
    killed: record.killed,
    usage: usageAt(record, now),
    docker_image: record.docker_image,
    stage_times: stageTimesAt(record, now),
    runtime: record.runtime,
  };
}

/** What to tell the server about this run after a (re)connect. */
export function reportMessage(record: RunRecord, now: number): RunnerMessageInput | null {
  if (record.stage === "finalizing") return runFinishedMessage(record, now);
  return runUpdateMessage(record, now);
}
