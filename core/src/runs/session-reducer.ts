/**
 * The pure reducer behind a WorkerSession Durable Object: one per compute worker. It owns the
 * runner's socket lifecycle, the queue of commands awaiting acknowledgement, the pending live
 * reads and the runs the runner says it holds. The DO class stores `SessionState` after every
 * event (it is plain JSON: commands survive hibernation and restarts), performs the effects in
 * order, and arms its single alarm as `set_alarm` says.
 *
 * Liveness: the runner sends `heartbeat` every `heartbeat_interval_ms`; silence for
 * `heartbeat_timeout_ms` closes the socket. A closed socket is reported to the scheduler only after
 * `disconnect_grace_ms` without a reconnect, so a network blip does not push runs to
 * `worker_offline`. Times are ms since the epoch (`now`); run events carry unix seconds.
 */

import {
  type CommandInput,
  type DependencyKeyWire,
  FOLLOW_PROTOCOL_VERSION,
  type HeldRun,
  type Hello,
  PROTOCOL_VERSION,
  type ReadSpec,
  type RunnerMessage,
  type RunnerStage,
  type ServerCommand,
  type ServerMessage,
  type StageTimes,
  SUPPORTED_PROTOCOL_VERSIONS,
  type TargetInfo,
  type Usage,
} from "./protocol.ts";
import { dependencyKey } from "./scheduling-policy.ts";
import type { MachineEvent, RunUsage } from "./state-machine.ts";

export type SessionConfig = {
  /** Told to the runner in `welcome`. */
  heartbeat_interval_ms: number;
  /** Silence after which the socket is considered dead. */
  heartbeat_timeout_ms: number;
  /** How long a closed socket may come back before the scheduler hears of it. */
  disconnect_grace_ms: number;
  /** A live read fails after this long without a chunk. */
  read_timeout_ms: number;
  /** An unacknowledged command is sent again after this long on a live socket. */
  resend_after_ms: number;
  /** Commands queued at most; more are refused (a worker gone for long must not grow storage forever). */
  max_outbox: number;
};

export const DEFAULT_SESSION_CONFIG: SessionConfig = {
  heartbeat_interval_ms: 15_000,
  heartbeat_timeout_ms: 45_000,
  disconnect_grace_ms: 15_000,
  read_timeout_ms: 30_000,
  resend_after_ms: 30_000,
  max_outbox: 1000,
};

/** What the runner told us about itself in `hello` (and later `capacity_update`s). */
export type WorkerInfo = Omit<Hello, "type" | "protocol_version" | "runs" | "cached_dependencies"> & {
  /** `dependencyKey` strings. */
  cached_dependencies: string[];
};

export type OutboxEntry = { seq: number; command: ServerCommand; enqueued_at: number; sent_at: number | null };
/**
 * A read awaiting the runner. `deadline` is when it fails without a chunk; a follow read has none
 * once its first chunk came (it may stay silent as long as the run prints nothing).
 */
export type PendingRead = { id: string; uuid: string; deadline: number | null; chunks: number; follow?: true };

export type SessionState = {
  version: 1;
  worker_id: string;
  /** Number of the current socket; events of an older socket are ignored. */
  connection: number;
  connected: boolean;
  /** `hello` received on the current socket. */
  ready: boolean;
  last_seen: number | null;
  disconnected_at: number | null;
  /** The scheduler counts this worker as connected. */
  announced: boolean;
  info: WorkerInfo | null;
  next_seq: number;
  outbox: OutboxEntry[];
  reads: Record<string, PendingRead>;
  /** The version the runner said in `hello` on the current socket (absent: 1, from before it was kept). */
  protocol_version?: number;
  held_runs: Record<string, RunnerStage>;
  alarm_at: number | null;
};

/** What the scheduler needs to hear from a session (the adapter forwards these as they are). */
export type SessionReport =
  | { type: "worker_connected"; now: number; worker_id: string; info: WorkerInfo; held: HeldRun[] }
  | { type: "worker_updated"; now: number; worker_id: string; info: WorkerInfo }
  | { type: "worker_disconnected"; now: number; worker_id: string }
  | { type: "assignment_acked"; now: number; worker_id: string; uuid: string }
  | { type: "assignment_rejected"; now: number; worker_id: string; uuid: string; reason: string }
  | { type: "run_finished"; now: number; worker_id: string; uuid: string }
  /** The runner gave the run up unfinished: it should be placed again. */
  | { type: "run_restaged"; now: number; worker_id: string; uuid: string };

export type SessionEvent =
  | { type: "socket_opened"; now: number }
  | { type: "socket_closed"; now: number; connection: number }
  | { type: "message_received"; now: number; connection: number; message: RunnerMessage }
  /** A frame that did not parse: answered with a non-fatal error, otherwise ignored. */
  | { type: "frame_rejected"; now: number; connection: number; error: string }
  | { type: "command_enqueued"; now: number; command: CommandInput }
  /** The scheduler took the run back (lease expired): drop an unsent assignment or kill the run. */
  | { type: "assignment_revoked"; now: number; uuid: string }
  /**
   * Applying a run event to the bundle was refused: the runner must drop that run. `settled`: the
   * bundle is final (or gone) on the server, e.g. killed or expired while its runner was away.
   */
  | { type: "run_event_refused"; now: number; uuid: string; reason: string; settled: boolean }
  | { type: "read_requested"; now: number; id: string; uuid: string; path: string; spec: ReadSpec }
  | { type: "read_cancelled"; now: number; id: string }
  /** The worker's credentials were revoked: the runner is told why and its socket closed. */
  | { type: "disconnect_requested"; now: number; code: string; reason: string }
  | { type: "alarm_fired"; now: number };

export type SessionEffect =
  | { type: "send"; message: ServerMessage }
  | { type: "close_socket"; connection: number; code: number; reason: string }
  | { type: "notify_scheduler"; report: SessionReport }
  /** Apply this state-machine event to the bundle; on INVALID_STATE feed back `run_event_refused`. */
  | { type: "apply_run_event"; uuid: string; event: MachineEvent }
  | { type: "read_chunk"; id: string; index: number; data: string }
  | { type: "read_done"; id: string; chunks: number; info?: TargetInfo }
  | { type: "read_failed"; id: string; code: string; message: string }
  | { type: "command_refused"; command: CommandInput; reason: string }
  | { type: "set_alarm"; at: number | null };

export type SessionResult = { state: SessionState; effects: SessionEffect[] };

/** Close codes: 1002 protocol error (RFC 6455), 4000+ ours. */
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_HEARTBEAT_TIMEOUT = 4000;
export const CLOSE_REPLACED = 4001;
export const CLOSE_REVOKED = 4003;

export function initialSessionState(workerId: string): SessionState {
  return {
    version: 1,
    worker_id: workerId,
    connection: 0,
    connected: false,
    ready: false,
    last_seen: null,
    disconnected_at: null,
    announced: false,
    info: null,
    next_seq: 1,
    outbox: [],
    reads: {},
    held_runs: {},
    alarm_at: null,
  };
}

function seconds(now: number): number {
  return Math.floor(now / 1000);
}

function keysOf(dependencies: readonly DependencyKeyWire[]): string[] {
  return dependencies.map((d) => dependencyKey(d.parent_uuid, d.parent_path));
}

function infoFromHello(hello: Hello): WorkerInfo {
  const { type: _type, protocol_version: _version, runs: _runs, cached_dependencies, ...rest } = hello;
  return { ...rest, cached_dependencies: keysOf(cached_dependencies) };
}

/** Runner usage → metadata fields (`disk_bytes` is `data_size`, stage times are `time_<stage>`). */
export function usageToMetadata(
  usage: Usage,
  stageTimes?: StageTimes,
  dockerImage?: string | null,
  runtime?: string,
): RunUsage {
  const result: RunUsage = {};
  const set = (key: Exclude<keyof RunUsage, "docker_image" | "runtime">, value: number | undefined) => {
    if (value !== undefined) result[key] = value;
  };
  set("time", usage.time);
  set("time_user", usage.time_user);
  set("time_system", usage.time_system);
  set("memory", usage.memory);
  set("memory_max", usage.memory_max);
  set("cpu_usage", usage.cpu_usage);
  set("memory_usage", usage.memory_usage);
  set("data_size", usage.disk_bytes);
  set("time_preparing", stageTimes?.preparing);
  set("time_running", stageTimes?.running);
  set("time_cleaning_up", stageTimes?.cleaning_up);
  set("time_uploading_results", stageTimes?.uploading_results);
  if (dockerImage) result.docker_image = dockerImage;
  if (runtime) result.runtime = runtime;
  return result;
}

function commandUuid(command: ServerCommand): string | null {
  switch (command.type) {
    case "assign":
      return command.run.uuid;
    case "reconcile":
      return null;
    default:
      return command.uuid;
  }
}

/** Two queued commands that do the same thing: the second is dropped. */
function sameCommand(a: CommandInput | ServerCommand, b: CommandInput): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "assign":
      return b.type === "assign" && a.run.uuid === b.run.uuid;
    case "kill":
      return b.type === "kill" && a.uuid === b.uuid;
    case "mark_finalized":
      return b.type === "mark_finalized" && a.uuid === b.uuid;
    case "write":
      return b.type === "write" && a.uuid === b.uuid && a.subpath === b.subpath && a.string === b.string;
    case "reconcile":
      return false;
  }
}

class Step {
  state: SessionState;
  readonly config: SessionConfig;
  readonly effects: SessionEffect[] = [];

  constructor(state: SessionState, config: SessionConfig) {
    this.state = { ...state };
    this.config = config;
  }

  emit(effect: SessionEffect): void {
    this.effects.push(effect);
  }

  send(message: ServerMessage): void {
    this.emit({ type: "send", message });
  }

  report(report: SessionReport): void {
    this.emit({ type: "notify_scheduler", report });
  }

  apply(uuid: string, event: MachineEvent): void {
    this.emit({ type: "apply_run_event", uuid, event });
  }

  failAllReads(code: string, message: string): void {
    for (const id of Object.keys(this.state.reads)) this.emit({ type: "read_failed", id, code, message });
    this.state.reads = {};
  }

  setHeld(uuid: string, stage: RunnerStage | null): void {
    const held = { ...this.state.held_runs };
    if (stage === null) delete held[uuid];
    else held[uuid] = stage;
    this.state.held_runs = held;
  }

  enqueue(command: CommandInput, now: number): void {
    const outbox = this.state.outbox;
    if (outbox.some((entry) => sameCommand(entry.command, command))) return;
    let kept = outbox;
    if (command.type === "reconcile") kept = outbox.filter((entry) => entry.command.type !== "reconcile");
    if (command.type === "kill") {
      // A kill of a run whose assignment never left the queue: drop both, the runner never knew it.
      const unsent = kept.find(
        (entry) => entry.command.type === "assign" && entry.command.run.uuid === command.uuid && entry.sent_at === null,
      );
      if (unsent) {
        this.state.outbox = kept.filter((entry) => entry !== unsent);
        return;
      }
    }
    if (kept.length >= this.config.max_outbox) {
      this.emit({
        type: "command_refused",
        command,
        reason: `worker ${this.state.worker_id} has too many queued commands`,
      });
      return;
    }
    const seq = this.state.next_seq;
    const entry: OutboxEntry = { seq, command: { ...command, seq } as ServerCommand, enqueued_at: now, sent_at: null };
    this.state.next_seq = seq + 1;
    if (this.state.connected && this.state.ready) {
      entry.sent_at = now;
      this.send(entry.command);
    }
    this.state.outbox = [...kept, entry];
  }

  removeFromOutbox(predicate: (entry: OutboxEntry) => boolean): OutboxEntry[] {
    const removed = this.state.outbox.filter(predicate);
    if (removed.length > 0) this.state.outbox = this.state.outbox.filter((entry) => !predicate(entry));
    return removed;
  }

  resend(now: number, due: (entry: OutboxEntry) => boolean): void {
    let changed = false;
    const outbox = this.state.outbox.map((entry) => {
      if (!due(entry)) return entry;
      changed = true;
      this.send(entry.command);
      return { ...entry, sent_at: now };
    });
    if (changed) this.state.outbox = outbox;
  }
}

function speaksFollow(state: SessionState): boolean {
  return (state.protocol_version ?? 1) >= FOLLOW_PROTOCOL_VERSION;
}

function nextDeadline(state: SessionState, config: SessionConfig): number | null {
  const deadlines: number[] = [];
  if (state.connected && state.last_seen !== null) deadlines.push(state.last_seen + config.heartbeat_timeout_ms);
  if (!state.connected && state.announced && state.disconnected_at !== null) {
    deadlines.push(state.disconnected_at + config.disconnect_grace_ms);
  }
  for (const read of Object.values(state.reads)) if (read.deadline !== null) deadlines.push(read.deadline);
  if (state.connected && state.ready) {
    for (const entry of state.outbox)
      if (entry.sent_at !== null) deadlines.push(entry.sent_at + config.resend_after_ms);
  }
  return deadlines.length === 0 ? null : Math.min(...deadlines);
}

function handleMessage(step: Step, message: RunnerMessage, now: number): void {
  const state = step.state;
  const workerId = state.worker_id;
  state.last_seen = now;
  if (!state.ready) {
    if (message.type !== "hello") {
      step.send({ type: "error", code: "hello_expected", message: `expected hello, got ${message.type}`, fatal: true });
      step.emit({
        type: "close_socket",
        connection: state.connection,
        code: CLOSE_PROTOCOL_ERROR,
        reason: "hello expected",
      });
      return;
    }
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(message.protocol_version)) {
      step.send({
        type: "error",
        code: "unsupported_protocol",
        message: `protocol version ${message.protocol_version} is not supported; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}. Update the runner.`,
        fatal: true,
      });
      step.emit({
        type: "close_socket",
        connection: state.connection,
        code: CLOSE_PROTOCOL_ERROR,
        reason: "unsupported protocol",
      });
      return;
    }
    state.ready = true;
    state.protocol_version = message.protocol_version;
    state.disconnected_at = null;
    state.info = infoFromHello(message);
    const held: Record<string, RunnerStage> = {};
    for (const run of message.runs) held[run.uuid] = run.stage;
    state.held_runs = held;
    state.announced = true;
    step.send({
      type: "welcome",
      protocol_version: Math.min(message.protocol_version, PROTOCOL_VERSION),
      worker_id: workerId,
      server_time: now,
      heartbeat_interval_ms: step.config.heartbeat_interval_ms,
    });
    step.report({ type: "worker_connected", now, worker_id: workerId, info: state.info, held: message.runs });
    // Everything not acknowledged goes out again, in order (at-least-once; the runner dedupes).
    step.resend(now, () => true);
    return;
  }

  switch (message.type) {
    case "hello":
      step.send({
        type: "error",
        code: "duplicate_hello",
        message: "hello was already received on this connection",
        fatal: false,
      });
      return;
    case "heartbeat":
    case "pong":
      return;
    case "ack": {
      const removed = step.removeFromOutbox((entry) => entry.seq === message.seq);
      for (const entry of removed) {
        if (entry.command.type === "mark_finalized") step.setHeld(entry.command.uuid, null);
      }
      return;
    }
    case "run_ack":
      step.removeFromOutbox((entry) => entry.command.type === "assign" && entry.command.run.uuid === message.uuid);
      step.setHeld(message.uuid, "preparing");
      step.apply(message.uuid, {
        type: "acknowledged",
        worker_id: workerId,
        at: seconds(now),
        preemptible: state.info?.preemptible ?? false,
      });
      step.report({ type: "assignment_acked", now, worker_id: workerId, uuid: message.uuid });
      return;
    case "run_rejected":
      step.removeFromOutbox((entry) => entry.command.type === "assign" && entry.command.run.uuid === message.uuid);
      step.setHeld(message.uuid, null);
      step.apply(message.uuid, {
        type: "assignment_rejected",
        worker_id: workerId,
        reason: message.reason,
        at: seconds(now),
      });
      step.report({
        type: "assignment_rejected",
        now,
        worker_id: workerId,
        uuid: message.uuid,
        reason: message.reason,
      });
      return;
    case "run_update":
      step.setHeld(message.uuid, message.stage);
      if (message.stage === "finalizing") return; // only `run_finished` moves a run to finalizing
      step.apply(message.uuid, {
        type: "stage_reported",
        worker_id: workerId,
        at: seconds(now),
        stage: message.stage,
        run_status: message.run_status,
        usage: usageToMetadata(
          message.usage,
          message.stage_times,
          message.docker_image,
          message.runtime ?? state.info?.runtime,
        ),
        preemptible: state.info?.preemptible ?? false,
      });
      return;
    case "run_finished":
      step.setHeld(message.uuid, "finalizing");
      step.apply(message.uuid, {
        type: "finished",
        worker_id: workerId,
        at: seconds(now),
        exitcode: message.exitcode,
        failure_message: message.failure_message,
        killed: message.killed,
        usage: usageToMetadata(
          message.usage,
          message.stage_times,
          message.docker_image,
          message.runtime ?? state.info?.runtime,
        ),
      });
      step.report({ type: "run_finished", now, worker_id: workerId, uuid: message.uuid });
      return;
    case "run_restaged":
      if (!(message.uuid in state.held_runs)) return;
      step.setHeld(message.uuid, null);
      // Commands for a run the runner deleted would only be ignored by it.
      step.removeFromOutbox((entry) => commandUuid(entry.command) === message.uuid);
      step.apply(message.uuid, { type: "worker_restaged", worker_id: workerId, at: seconds(now) });
      step.report({ type: "run_restaged", now, worker_id: workerId, uuid: message.uuid });
      return;
    case "read_chunk": {
      const read = state.reads[message.id];
      if (!read) return;
      state.reads = {
        ...state.reads,
        [message.id]: {
          ...read,
          chunks: read.chunks + 1,
          deadline: read.follow ? null : now + step.config.read_timeout_ms,
        },
      };
      step.emit({ type: "read_chunk", id: message.id, index: message.index, data: message.data });
      return;
    }
    case "read_end": {
      const read = state.reads[message.id];
      if (!read) return;
      const { [message.id]: _done, ...rest } = state.reads;
      state.reads = rest;
      if (message.chunks !== read.chunks) {
        step.emit({
          type: "read_failed",
          id: message.id,
          code: "incomplete",
          message: `the worker sent ${read.chunks} of ${message.chunks} chunks`,
        });
        return;
      }
      step.emit({ type: "read_done", id: message.id, chunks: message.chunks, info: message.info });
      return;
    }
    case "read_error": {
      if (!state.reads[message.id]) return;
      const { [message.id]: _failed, ...rest } = state.reads;
      state.reads = rest;
      step.emit({ type: "read_failed", id: message.id, code: message.code, message: message.message });
      return;
    }
    case "capacity_update": {
      const info = state.info;
      if (!info) return;
      const next: WorkerInfo = { ...info, capacity: { ...info.capacity, ...message.capacity } };
      if (message.cached_dependencies) next.cached_dependencies = keysOf(message.cached_dependencies);
      if (message.max_runs !== undefined) next.max_runs = message.max_runs;
      if (message.is_terminating !== undefined) next.is_terminating = message.is_terminating;
      state.info = next;
      step.report({ type: "worker_updated", now, worker_id: workerId, info: next });
      return;
    }
  }
}

function handleAlarm(step: Step, now: number): void {
  const state = step.state;
  const config = step.config;
  const expired = Object.values(state.reads).filter((read) => read.deadline !== null && read.deadline <= now);
  if (expired.length > 0) {
    const reads = { ...state.reads };
    for (const read of expired) {
      delete reads[read.id];
      step.emit({
        type: "read_failed",
        id: read.id,
        code: "timeout",
        message: "the worker did not answer the read in time",
      });
    }
    state.reads = reads;
  }
  if (state.connected && state.last_seen !== null && state.last_seen + config.heartbeat_timeout_ms <= now) {
    step.emit({
      type: "close_socket",
      connection: state.connection,
      code: CLOSE_HEARTBEAT_TIMEOUT,
      reason: "heartbeat timeout",
    });
    // Silent for the whole heartbeat timeout already: no further grace.
    closeConnection(step, now);
    if (state.announced) {
      state.announced = false;
      step.report({ type: "worker_disconnected", now, worker_id: state.worker_id });
    }
  }
  if (!state.connected && state.announced && state.disconnected_at !== null) {
    if (state.disconnected_at + config.disconnect_grace_ms <= now) {
      state.announced = false;
      step.report({ type: "worker_disconnected", now, worker_id: state.worker_id });
    }
  }
  if (state.connected && state.ready) {
    step.resend(now, (entry) => entry.sent_at !== null && entry.sent_at + config.resend_after_ms <= now);
  }
}

function closeConnection(step: Step, now: number): void {
  const state = step.state;
  state.connected = false;
  state.ready = false;
  state.disconnected_at = now;
  step.failAllReads("disconnected", "the worker disconnected");
  // Whatever was in flight may be lost with the socket: send it all again on the next hello.
  if (state.outbox.some((entry) => entry.sent_at !== null)) {
    state.outbox = state.outbox.map((entry) => ({ ...entry, sent_at: null }));
  }
}

/** One step of a WorkerSession: the next state and the effects to perform, in order. */
export function reduceSession(
  state: SessionState,
  event: SessionEvent,
  config: SessionConfig = DEFAULT_SESSION_CONFIG,
): SessionResult {
  const step = new Step(state, config);
  const now = event.now;
  switch (event.type) {
    case "socket_opened": {
      if (step.state.connected) {
        step.emit({
          type: "close_socket",
          connection: step.state.connection,
          code: CLOSE_REPLACED,
          reason: "replaced by a new connection",
        });
        closeConnection(step, now);
      }
      step.state.connection = state.connection + 1;
      step.state.connected = true;
      step.state.ready = false;
      step.state.last_seen = now;
      break;
    }
    case "socket_closed":
      if (event.connection !== step.state.connection || !step.state.connected) return { state, effects: [] };
      closeConnection(step, now);
      break;
    case "message_received":
      if (event.connection !== step.state.connection || !step.state.connected) return { state, effects: [] };
      handleMessage(step, event.message, now);
      break;
    case "frame_rejected":
      if (event.connection !== step.state.connection || !step.state.connected) return { state, effects: [] };
      step.state.last_seen = now;
      step.send({ type: "error", code: "invalid_message", message: event.error.slice(0, 1000), fatal: false });
      break;
    case "command_enqueued":
      step.enqueue(event.command, now);
      break;
    case "assignment_revoked": {
      const removed = step.removeFromOutbox(
        (entry) => entry.command.type === "assign" && entry.command.run.uuid === event.uuid && entry.sent_at === null,
      );
      if (removed.length === 0) {
        step.enqueue(
          { type: "kill", uuid: event.uuid, message: "The assignment expired; the run was re-staged." },
          now,
        );
      }
      break;
    }
    case "run_event_refused":
      // A run the server has settled: once its runner has finished it, the runner may forget it
      // (as after a normal finish); until then it is killed, and the finish it then reports, refused
      // in turn, ends here.
      if (event.settled && step.state.held_runs[event.uuid] === "finalizing") {
        step.enqueue({ type: "mark_finalized", uuid: event.uuid }, now);
      } else {
        step.enqueue({ type: "kill", uuid: event.uuid, message: event.reason }, now);
      }
      break;
    case "read_requested": {
      if (!step.state.connected || !step.state.ready) {
        step.emit({
          type: "read_failed",
          id: event.id,
          code: "not_connected",
          message: `worker ${state.worker_id} is not connected`,
        });
        break;
      }
      const follow = event.spec.kind === "follow";
      if (follow && !speaksFollow(step.state)) {
        step.emit({
          type: "read_failed",
          id: event.id,
          code: "unsupported",
          message: `the runner of worker ${state.worker_id} is too old to follow files (protocol ${step.state.protocol_version ?? 1}); update it`,
        });
        break;
      }
      const read: PendingRead = { id: event.id, uuid: event.uuid, deadline: now + config.read_timeout_ms, chunks: 0 };
      if (follow) read.follow = true;
      step.state.reads = { ...step.state.reads, [event.id]: read };
      step.send({ type: "read", id: event.id, uuid: event.uuid, path: event.path, spec: event.spec });
      break;
    }
    case "read_cancelled": {
      if (!step.state.reads[event.id]) return { state, effects: [] };
      const { [event.id]: _cancelled, ...rest } = step.state.reads;
      step.state.reads = rest;
      // Older runners finish the read anyway; their chunks are dropped as unknown.
      if (step.state.connected && step.state.ready && speaksFollow(step.state)) {
        step.send({ type: "read_cancel", id: event.id });
      }
      break;
    }
    case "disconnect_requested": {
      if (!step.state.connected) break;
      step.send({ type: "error", code: event.code, message: event.reason, fatal: true });
      step.emit({ type: "close_socket", connection: step.state.connection, code: CLOSE_REVOKED, reason: event.code });
      closeConnection(step, now);
      break;
    }
    case "alarm_fired":
      step.state.alarm_at = null;
      handleAlarm(step, now);
      break;
  }
  const next = nextDeadline(step.state, config);
  // Arm the alarm only when it must fire earlier; a late deadline is found when an early alarm fires.
  if (next !== null && (step.state.alarm_at === null || next < step.state.alarm_at)) {
    step.state.alarm_at = next;
    step.emit({ type: "set_alarm", at: next });
  }
  return { state: step.state, effects: step.effects };
}
