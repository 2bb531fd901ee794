import { describe, expect, it } from "vitest";
import { type Hello, PROTOCOL_VERSION, type RunnerMessage, type ServerMessage } from "./protocol.ts";
import {
  CLOSE_HEARTBEAT_TIMEOUT,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_REPLACED,
  CLOSE_REVOKED,
  DEFAULT_SESSION_CONFIG,
  initialSessionState,
  reduceSession,
  type SessionConfig,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  usageToMetadata,
} from "./session-reducer.ts";

const UUID = `0x${"a".repeat(32)}`;
const OTHER = `0x${"b".repeat(32)}`;
const T0 = 1_700_000_000_000;
const config: SessionConfig = DEFAULT_SESSION_CONFIG;

const hello: Hello = {
  type: "hello",
  protocol_version: PROTOCOL_VERSION,
  worker_name: "laptop",
  hostname: "laptop.local",
  runtime: "docker",
  capacity: { cpus: 4, gpus: 0, memory_bytes: 8 * 1024 ** 3, free_disk_bytes: 50 * 1024 ** 3 },
  tag: null,
  tag_exclusive: false,
  group: null,
  max_runs: null,
  preemptible: true,
  is_terminating: false,
  runs: [],
  cached_dependencies: [{ parent_uuid: OTHER, parent_path: "data" }],
};

const assign = {
  type: "assign" as const,
  run: {
    uuid: UUID,
    command: "echo hi",
    owner_id: "alice",
    dependencies: [],
    requirements: {
      docker_image: "busybox:latest",
      time: 60,
      memory: 2 ** 30,
      disk: 2 ** 30,
      cpus: 1,
      gpus: 0,
      network: false,
    },
    exclude_patterns: [],
  },
};

/** Drives a session through events, keeping state and the effects of the last step. */
class Session {
  state: SessionState = initialSessionState("w-1");
  effects: SessionEffect[] = [];
  now = T0;

  dispatch(event: SessionEvent): SessionEffect[] {
    const result = reduceSession(this.state, event, config);
    this.state = result.state;
    this.effects = result.effects;
    return result.effects;
  }

  open(): SessionEffect[] {
    return this.dispatch({ type: "socket_opened", now: this.now });
  }

  receive(message: RunnerMessage, connection = this.state.connection): SessionEffect[] {
    return this.dispatch({ type: "message_received", now: this.now, connection, message });
  }

  connect(runs: Hello["runs"] = []): SessionEffect[] {
    this.open();
    return this.receive({ ...hello, runs });
  }

  at(ms: number): this {
    this.now = T0 + ms;
    return this;
  }

  sent(): ServerMessage[] {
    return this.effects.flatMap((e) => (e.type === "send" ? [e.message] : []));
  }
}

const ofType = <T extends SessionEffect["type"]>(effects: SessionEffect[], type: T) =>
  effects.filter((e): e is Extract<SessionEffect, { type: T }> => e.type === type);

describe("connecting", () => {
  it("welcomes a runner after its hello, tells the scheduler, and watches its heartbeat", () => {
    const s = new Session();
    s.open();
    const effects = s.receive({ ...hello, runs: [{ uuid: UUID, stage: "running" }] });
    expect(effects).toEqual([
      {
        type: "send",
        message: {
          type: "welcome",
          protocol_version: PROTOCOL_VERSION,
          worker_id: "w-1",
          server_time: T0,
          heartbeat_interval_ms: 15_000,
        },
      },
      {
        type: "notify_scheduler",
        report: {
          type: "worker_connected",
          now: T0,
          worker_id: "w-1",
          held: [{ uuid: UUID, stage: "running" }],
          info: {
            worker_name: "laptop",
            hostname: "laptop.local",
            runtime: "docker",
            capacity: hello.capacity,
            tag: null,
            tag_exclusive: false,
            group: null,
            max_runs: null,
            preemptible: true,
            is_terminating: false,
            cached_dependencies: [`${OTHER}/data`],
          },
        },
      },
    ]);
    expect(s.state.held_runs).toEqual({ [UUID]: "running" });
    expect(s.state.alarm_at).toBe(T0 + config.heartbeat_timeout_ms);
  });

  it("arms the heartbeat alarm as soon as a socket opens", () => {
    const s = new Session();
    expect(s.open()).toEqual([{ type: "set_alarm", at: T0 + config.heartbeat_timeout_ms }]);
  });

  it("closes a socket that speaks before saying hello", () => {
    const s = new Session();
    s.open();
    const effects = s.receive({ type: "heartbeat" });
    expect(effects).toContainEqual({
      type: "close_socket",
      connection: 1,
      code: CLOSE_PROTOCOL_ERROR,
      reason: "hello expected",
    });
    expect(s.sent()[0]).toMatchObject({ type: "error", code: "hello_expected", fatal: true });
  });

  it("refuses a runner speaking an unsupported protocol version, telling it to update", () => {
    const s = new Session();
    s.open();
    s.receive({ ...hello, protocol_version: 99 });
    expect(s.sent()[0]).toMatchObject({ type: "error", code: "unsupported_protocol", fatal: true });
    expect(ofType(s.effects, "close_socket")).toHaveLength(1);
    expect(s.state.ready).toBe(false);
  });

  it("answers a second hello with a non-fatal error", () => {
    const s = new Session();
    s.connect();
    s.receive(hello);
    expect(s.sent()).toEqual([
      {
        type: "error",
        code: "duplicate_hello",
        message: "hello was already received on this connection",
        fatal: false,
      },
    ]);
  });

  it("answers a frame that did not parse with a non-fatal error", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "frame_rejected", now: T0, connection: 1, error: "protocol error: frame is not JSON" });
    expect(s.sent()).toEqual([
      { type: "error", code: "invalid_message", message: "protocol error: frame is not JSON", fatal: false },
    ]);
  });

  it("replaces an old socket when the runner connects again", () => {
    const s = new Session();
    s.connect();
    const effects = s.open();
    expect(effects[0]).toEqual({
      type: "close_socket",
      connection: 1,
      code: CLOSE_REPLACED,
      reason: "replaced by a new connection",
    });
    expect(s.state.connection).toBe(2);
    expect(s.state.ready).toBe(false);
  });

  it("ignores events of a socket that has been replaced", () => {
    const s = new Session();
    s.connect();
    s.open();
    const before = s.state;
    expect(s.dispatch({ type: "socket_closed", now: T0, connection: 1 })).toEqual([]);
    expect(s.receive({ type: "run_ack", uuid: UUID }, 1)).toEqual([]);
    expect(s.dispatch({ type: "frame_rejected", now: T0, connection: 1, error: "x" })).toEqual([]);
    expect(s.state).toBe(before);
  });
});

describe("commands", () => {
  it("sends a command at once on a live socket and keeps it until acknowledged", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "kill", uuid: UUID, message: "Kill requested" } });
    expect(s.sent()).toEqual([{ type: "kill", seq: 1, uuid: UUID, message: "Kill requested" }]);
    expect(s.state.outbox).toHaveLength(1);
    s.receive({ type: "ack", seq: 1 });
    expect(s.state.outbox).toEqual([]);
  });

  it("queues commands while the worker is away and sends them in order after its hello", () => {
    const s = new Session();
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.dispatch({
      type: "command_enqueued",
      now: T0,
      command: { type: "write", uuid: UUID, subpath: "a", string: "b" },
    });
    expect(s.sent()).toEqual([]);
    s.connect();
    expect(s.sent().map((m) => [m.type, "seq" in m ? m.seq : null])).toEqual([
      ["welcome", null],
      ["assign", 1],
      ["write", 2],
    ]);
  });

  it("keeps its queue across hibernation: the state is plain JSON", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "mark_finalized", uuid: UUID } });
    s.state = JSON.parse(JSON.stringify(s.state));
    s.dispatch({ type: "socket_closed", now: T0, connection: 1 });
    s.connect();
    expect(s.sent().map((m) => m.type)).toEqual(["welcome", "mark_finalized"]);
  });

  it("drops a command that duplicates one still queued, and replaces an older reconcile", () => {
    const s = new Session();
    const kill = { type: "kill" as const, uuid: UUID, message: "x" };
    const write = { type: "write" as const, uuid: UUID, subpath: "a", string: "b" };
    for (const command of [
      kill,
      kill,
      write,
      write,
      { type: "mark_finalized" as const, uuid: OTHER },
      { type: "mark_finalized" as const, uuid: OTHER },
    ]) {
      s.dispatch({ type: "command_enqueued", now: T0, command });
    }
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "reconcile", keep: [UUID], kill: [] } });
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "reconcile", keep: [], kill: [UUID] } });
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    expect(s.state.outbox.map((e) => e.command.type)).toEqual([
      "kill",
      "write",
      "mark_finalized",
      "reconcile",
      "assign",
    ]);
    expect(s.state.outbox[3]?.command).toMatchObject({ keep: [], kill: [UUID] });
  });

  it("drops both an assignment that never left and the kill that follows it", () => {
    const s = new Session();
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "kill", uuid: UUID, message: "Kill requested" } });
    expect(s.state.outbox).toEqual([]);
  });

  it("still sends the kill of an assignment that was already sent (a kill during starting is never lost)", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "kill", uuid: UUID, message: "Kill requested" } });
    expect(s.sent()).toEqual([{ type: "kill", seq: 2, uuid: UUID, message: "Kill requested" }]);
  });

  it("refuses commands beyond the queue limit", () => {
    const s = new Session();
    const small = { ...config, max_outbox: 1 };
    s.state = reduceSession(s.state, { type: "command_enqueued", now: T0, command: assign }, small).state;
    const command = { type: "kill" as const, uuid: OTHER, message: "x" };
    const result = reduceSession(s.state, { type: "command_enqueued", now: T0, command }, small);
    expect(result.effects).toEqual([
      { type: "command_refused", command, reason: "worker w-1 has too many queued commands" },
    ]);
  });

  it("forgets a finalized run once the runner acknowledges mark_finalized", () => {
    const s = new Session();
    s.connect([{ uuid: UUID, stage: "finalizing" }]);
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "mark_finalized", uuid: UUID } });
    s.receive({ type: "ack", seq: 1 });
    expect(s.state.held_runs).toEqual({});
  });

  it("sends a command again when it stays unacknowledged on a live socket", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "kill", uuid: UUID, message: "x" } });
    s.at(config.resend_after_ms).receive({ type: "heartbeat" });
    s.dispatch({ type: "alarm_fired", now: s.now });
    expect(s.sent()).toEqual([{ type: "kill", seq: 1, uuid: UUID, message: "x" }]);
  });

  it("takes back an assignment that never left, and kills one that did", () => {
    const s = new Session();
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.dispatch({ type: "assignment_revoked", now: T0, uuid: UUID });
    expect(s.state.outbox).toEqual([]);
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.dispatch({ type: "assignment_revoked", now: T0, uuid: UUID });
    expect(s.sent()).toEqual([
      { type: "kill", seq: 3, uuid: UUID, message: "The assignment expired; the run was re-staged." },
    ]);
  });

  it("kills a run whose event the bundle refused", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "run_event_refused", now: T0, uuid: UUID, reason: "The run was killed.", settled: false });
    expect(s.sent()).toEqual([{ type: "kill", seq: 1, uuid: UUID, message: "The run was killed." }]);
  });

  it("lets the runner forget a run the server settled while it ran: killed first, then finalized", () => {
    const s = new Session();
    s.connect();
    const reason = "Bundle has been stuck in running state for more than 60 days.";
    s.dispatch({ type: "run_event_refused", now: T0, uuid: UUID, reason, settled: true });
    expect(s.sent()).toEqual([{ type: "kill", seq: 1, uuid: UUID, message: reason }]);
    s.receive({ type: "ack", seq: 1 });
    s.receive({
      type: "run_finished",
      uuid: UUID,
      exitcode: 137,
      failure_message: reason,
      killed: true,
      usage: { time: 1 },
    });
    expect(s.state.held_runs[UUID]).toBe("finalizing");
    s.dispatch({ type: "run_event_refused", now: T0, uuid: UUID, reason, settled: true });
    expect(s.sent()).toEqual([{ type: "mark_finalized", seq: 2, uuid: UUID }]);
  });
});

describe("run reports", () => {
  it("turns run_ack into an acknowledged event and tells the scheduler", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: assign });
    s.at(2500).receive({ type: "run_ack", uuid: UUID });
    expect(s.effects).toEqual([
      {
        type: "apply_run_event",
        uuid: UUID,
        event: { type: "acknowledged", worker_id: "w-1", at: T0 / 1000 + 2, preemptible: true },
      },
      { type: "notify_scheduler", report: { type: "assignment_acked", now: T0 + 2500, worker_id: "w-1", uuid: UUID } },
    ]);
    expect(s.state.outbox).toEqual([]);
    expect(s.state.held_runs).toEqual({ [UUID]: "preparing" });
  });

  it("turns run_rejected into a rejected assignment", () => {
    const s = new Session();
    s.connect();
    s.receive({ type: "run_rejected", uuid: UUID, reason: "no such image" });
    expect(s.effects).toEqual([
      {
        type: "apply_run_event",
        uuid: UUID,
        event: { type: "assignment_rejected", worker_id: "w-1", reason: "no such image", at: T0 / 1000 },
      },
      {
        type: "notify_scheduler",
        report: { type: "assignment_rejected", now: T0, worker_id: "w-1", uuid: UUID, reason: "no such image" },
      },
    ]);
  });

  it("turns run_update into a stage report with usage in metadata terms", () => {
    const s = new Session();
    s.connect();
    s.receive({
      type: "run_update",
      uuid: UUID,
      stage: "uploading",
      run_status: "Uploading results: 3MiB",
      usage: { time: 5, disk_bytes: 300 },
      docker_image: "sha256:1",
      stage_times: { preparing: 1, running: 4 },
    });
    expect(s.effects).toEqual([
      {
        type: "apply_run_event",
        uuid: UUID,
        event: {
          type: "stage_reported",
          worker_id: "w-1",
          at: T0 / 1000,
          stage: "uploading",
          run_status: "Uploading results: 3MiB",
          usage: {
            time: 5,
            data_size: 300,
            time_preparing: 1,
            time_running: 4,
            docker_image: "sha256:1",
            runtime: "docker",
          },
          preemptible: true,
        },
      },
    ]);
    expect(s.state.held_runs[UUID]).toBe("uploading");
  });

  it("leaves the move to finalizing to run_finished", () => {
    const s = new Session();
    s.connect();
    expect(s.receive({ type: "run_update", uuid: UUID, stage: "finalizing", run_status: "", usage: {} })).toEqual([]);
  });

  it("turns run_finished into a finished event and frees the worker's capacity", () => {
    const s = new Session();
    s.connect();
    s.receive({
      type: "run_finished",
      uuid: UUID,
      exitcode: 0,
      failure_message: null,
      killed: false,
      usage: { time: 9 },
      runtime: "process",
    });
    expect(s.effects).toEqual([
      {
        type: "apply_run_event",
        uuid: UUID,
        event: {
          type: "finished",
          worker_id: "w-1",
          at: T0 / 1000,
          exitcode: 0,
          failure_message: null,
          killed: false,
          usage: { time: 9, runtime: "process" },
        },
      },
      { type: "notify_scheduler", report: { type: "run_finished", now: T0, worker_id: "w-1", uuid: UUID } },
    ]);
    expect(s.state.held_runs[UUID]).toBe("finalizing");
  });

  it("turns run_restaged into a re-stage, drops what was queued for the run and tells the scheduler", () => {
    const s = new Session();
    s.connect([{ uuid: UUID, stage: "running" }]);
    s.dispatch({
      type: "command_enqueued",
      now: s.now,
      command: { type: "write", uuid: UUID, subpath: "a", string: "x" },
    });
    expect(s.state.outbox).toHaveLength(1);
    s.receive({ type: "run_restaged", uuid: UUID, reason: "handed back: the worker is shutting down" });
    expect(s.effects).toEqual([
      { type: "apply_run_event", uuid: UUID, event: { type: "worker_restaged", worker_id: "w-1", at: T0 / 1000 } },
      { type: "notify_scheduler", report: { type: "run_restaged", now: T0, worker_id: "w-1", uuid: UUID } },
    ]);
    expect(s.state.held_runs).toEqual({});
    expect(s.state.outbox).toEqual([]);
    // A run it does not hold (a repeated notice) changes nothing.
    expect(s.receive({ type: "run_restaged", uuid: UUID, reason: "again" })).toEqual([]);
  });

  it("closes the socket of a runner whose token was revoked, saying why", () => {
    const s = new Session();
    s.connect();
    const connection = s.state.connection;
    s.dispatch({ type: "disconnect_requested", now: s.now, code: "token_revoked", reason: "revoked" });
    expect(s.sent()).toEqual([{ type: "error", code: "token_revoked", message: "revoked", fatal: true }]);
    expect(ofType(s.effects, "close_socket")).toEqual([
      { type: "close_socket", connection, code: CLOSE_REVOKED, reason: "token_revoked" },
    ]);
    expect(s.state.connected).toBe(false);
    expect(s.dispatch({ type: "disconnect_requested", now: s.now, code: "token_revoked", reason: "again" })).toEqual(
      [],
    );
  });

  it("passes capacity changes on to the scheduler", () => {
    const s = new Session();
    s.connect();
    s.receive({
      type: "capacity_update",
      capacity: { free_disk_bytes: 7 },
      cached_dependencies: [{ parent_uuid: UUID, parent_path: "" }],
      max_runs: 2,
      is_terminating: true,
    });
    const [effect] = ofType(s.effects, "notify_scheduler");
    expect(effect?.report).toMatchObject({
      type: "worker_updated",
      info: {
        capacity: { cpus: 4, free_disk_bytes: 7 },
        cached_dependencies: [UUID],
        max_runs: 2,
        is_terminating: true,
      },
    });
  });

  it("treats heartbeats and pongs as signs of life only", () => {
    const s = new Session();
    s.connect();
    expect(s.at(10_000).receive({ type: "heartbeat" })).toEqual([]);
    expect(s.at(20_000).receive({ type: "pong", nonce: "n" })).toEqual([]);
    expect(s.state.last_seen).toBe(T0 + 20_000);
  });

  it("maps only the usage fields a runner sent", () => {
    expect(usageToMetadata({})).toEqual({});
    expect(usageToMetadata({ cpu_usage: 0.5 }, undefined, null)).toEqual({ cpu_usage: 0.5 });
  });
});

describe("live reads", () => {
  const read = {
    type: "read_requested" as const,
    now: T0,
    id: "r1",
    uuid: UUID,
    path: "stdout",
    spec: { kind: "file" as const, offset: 0, length: 10 },
  };

  it("forwards a read and streams its chunks back by correlation id", () => {
    const s = new Session();
    s.connect();
    s.dispatch(read);
    expect(s.sent()).toEqual([{ type: "read", id: "r1", uuid: UUID, path: "stdout", spec: read.spec }]);
    s.at(1000).receive({ type: "read_chunk", id: "r1", index: 0, data: "aGk=" });
    expect(s.effects).toEqual([{ type: "read_chunk", id: "r1", index: 0, data: "aGk=" }]);
    expect(s.state.reads.r1?.deadline).toBe(T0 + 1000 + config.read_timeout_ms);
    s.receive({ type: "read_end", id: "r1", chunks: 1 });
    expect(s.effects).toEqual([{ type: "read_done", id: "r1", chunks: 1, info: undefined }]);
    expect(s.state.reads).toEqual({});
  });

  it("fails a read whose chunks went missing", () => {
    const s = new Session();
    s.connect();
    s.dispatch(read);
    s.receive({ type: "read_end", id: "r1", chunks: 2 });
    expect(s.effects).toEqual([
      { type: "read_failed", id: "r1", code: "incomplete", message: "the worker sent 0 of 2 chunks" },
    ]);
  });

  it("passes on the runner's read errors", () => {
    const s = new Session();
    s.connect();
    s.dispatch(read);
    s.receive({ type: "read_error", id: "r1", code: "not_running", message: "bundle no longer running" });
    expect(s.effects).toEqual([
      { type: "read_failed", id: "r1", code: "not_running", message: "bundle no longer running" },
    ]);
  });

  it("ignores answers to reads it does not know", () => {
    const s = new Session();
    s.connect();
    expect(s.receive({ type: "read_chunk", id: "zz", index: 0, data: "" })).toEqual([]);
    expect(s.receive({ type: "read_end", id: "zz", chunks: 0 })).toEqual([]);
    expect(s.receive({ type: "read_error", id: "zz", code: "internal", message: "" })).toEqual([]);
  });

  it("fails a read at once when the worker is not connected", () => {
    const s = new Session();
    expect(s.dispatch(read)).toEqual([
      { type: "read_failed", id: "r1", code: "not_connected", message: "worker w-1 is not connected" },
    ]);
  });

  it("forgets a read whose client went away", () => {
    const s = new Session();
    s.connect();
    s.dispatch(read);
    s.dispatch({ type: "read_cancelled", now: T0, id: "r1" });
    expect(s.state.reads).toEqual({});
    expect(s.dispatch({ type: "read_cancelled", now: T0, id: "r1" })).toEqual([]);
  });

  it("fails a read that gets no answer in time", () => {
    const s = new Session();
    s.connect();
    s.dispatch(read);
    s.at(config.read_timeout_ms).receive({ type: "heartbeat" });
    s.dispatch({ type: "alarm_fired", now: s.now });
    expect(s.effects).toContainEqual({
      type: "read_failed",
      id: "r1",
      code: "timeout",
      message: "the worker did not answer the read in time",
    });
  });

  it("fails pending reads when the socket closes", () => {
    const s = new Session();
    s.connect();
    s.dispatch(read);
    s.dispatch({ type: "socket_closed", now: T0, connection: 1 });
    expect(s.effects).toContainEqual({
      type: "read_failed",
      id: "r1",
      code: "disconnected",
      message: "the worker disconnected",
    });
  });
});

describe("liveness", () => {
  it("reports a closed socket to the scheduler only after the grace period", () => {
    const s = new Session();
    s.connect();
    s.at(1000).dispatch({ type: "socket_closed", now: s.now, connection: 1 });
    expect(ofType(s.effects, "notify_scheduler")).toEqual([]);
    s.at(1000 + config.disconnect_grace_ms).dispatch({ type: "alarm_fired", now: s.now });
    expect(ofType(s.effects, "notify_scheduler")).toEqual([
      { type: "notify_scheduler", report: { type: "worker_disconnected", now: s.now, worker_id: "w-1" } },
    ]);
    expect(s.state.announced).toBe(false);
  });

  it("says nothing when the runner is back within the grace period, and resends what was in flight", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "command_enqueued", now: T0, command: { type: "kill", uuid: UUID, message: "x" } });
    s.dispatch({ type: "socket_closed", now: T0, connection: 1 });
    s.at(5000).connect();
    expect(s.sent().map((m) => m.type)).toEqual(["welcome", "kill"]);
    s.at(config.disconnect_grace_ms + 1).dispatch({ type: "alarm_fired", now: s.now });
    expect(ofType(s.effects, "notify_scheduler")).toEqual([]);
  });

  it("closes a silent socket after the heartbeat timeout and reports the worker lost at once", () => {
    const s = new Session();
    s.connect();
    s.at(config.heartbeat_timeout_ms).dispatch({ type: "alarm_fired", now: s.now });
    expect(s.effects).toEqual([
      { type: "close_socket", connection: 1, code: CLOSE_HEARTBEAT_TIMEOUT, reason: "heartbeat timeout" },
      { type: "notify_scheduler", report: { type: "worker_disconnected", now: s.now, worker_id: "w-1" } },
    ]);
    expect(s.state.connected).toBe(false);
  });

  it("closes a socket that never says hello without bothering the scheduler", () => {
    const s = new Session();
    s.open();
    s.at(config.heartbeat_timeout_ms).dispatch({ type: "alarm_fired", now: s.now });
    expect(s.effects.map((e) => e.type)).toEqual(["close_socket"]);
  });

  it("does not re-arm the alarm for every heartbeat, but moves it on when an early alarm fires", () => {
    const s = new Session();
    s.connect();
    expect(s.at(10_000).receive({ type: "heartbeat" })).toEqual([]);
    s.at(config.heartbeat_timeout_ms).dispatch({ type: "alarm_fired", now: s.now });
    expect(s.effects).toEqual([{ type: "set_alarm", at: T0 + 10_000 + config.heartbeat_timeout_ms }]);
    expect(s.state.connected).toBe(true);
  });

  it("arms an earlier alarm when a read needs one", () => {
    const small = { ...config, read_timeout_ms: 1000 };
    let state = initialSessionState("w-1");
    state = reduceSession(state, { type: "socket_opened", now: T0 }, small).state;
    state = reduceSession(state, { type: "message_received", now: T0, connection: 1, message: hello }, small).state;
    const result = reduceSession(
      state,
      { type: "read_requested", now: T0, id: "r", uuid: UUID, path: "", spec: { kind: "info", depth: 1 } },
      small,
    );
    expect(result.effects).toContainEqual({ type: "set_alarm", at: T0 + 1000 });
  });

  it("ignores a close of a socket that is already closed", () => {
    const s = new Session();
    s.connect();
    s.dispatch({ type: "socket_closed", now: T0, connection: 1 });
    expect(s.dispatch({ type: "socket_closed", now: T0, connection: 1 })).toEqual([]);
  });
});

describe("following a file (protocol 2)", () => {
  const follow = {
    type: "read_requested" as const,
    now: T0,
    id: "f1",
    uuid: UUID,
    path: "stdout",
    spec: { kind: "follow" as const, offset: 5 },
  };

  it("welcomes an older runner in its own version and never asks it to follow", () => {
    const s = new Session();
    s.open();
    s.receive({ ...hello, protocol_version: 1 });
    expect(s.sent()[0]).toMatchObject({ type: "welcome", protocol_version: 1 });
    expect(s.dispatch(follow)).toEqual([
      {
        type: "read_failed",
        id: "f1",
        code: "unsupported",
        message: "the runner of worker w-1 is too old to follow files (protocol 1); update it",
      },
    ]);
    s.dispatch({ ...follow, spec: { kind: "file", offset: 0, length: 1 } });
    s.dispatch({ type: "read_cancelled", now: T0, id: "f1" });
    expect(s.sent()).toEqual([]);
  });

  it("waits for the first chunk in time, then as long as the run stays silent", () => {
    const s = new Session();
    s.connect();
    s.dispatch(follow);
    expect(s.sent()).toEqual([{ type: "read", id: "f1", uuid: UUID, path: "stdout", spec: follow.spec }]);
    expect(s.state.reads.f1?.deadline).toBe(T0 + config.read_timeout_ms);
    s.at(10).receive({ type: "read_chunk", id: "f1", index: 0, data: "" });
    expect(s.state.reads.f1).toEqual({ id: "f1", uuid: UUID, deadline: null, chunks: 1, follow: true });
    s.at(10 * config.read_timeout_ms).receive({ type: "heartbeat" });
    expect(s.dispatch({ type: "alarm_fired", now: s.now })).not.toContainEqual(
      expect.objectContaining({ type: "read_failed" }),
    );
    s.receive({ type: "read_chunk", id: "f1", index: 1, data: "aGk=" });
    s.receive({ type: "read_end", id: "f1", chunks: 2 });
    expect(s.effects).toEqual([{ type: "read_done", id: "f1", chunks: 2, info: undefined }]);
  });

  it("tells the runner to stop a read whose client went away", () => {
    const s = new Session();
    s.connect();
    s.dispatch(follow);
    s.dispatch({ type: "read_cancelled", now: T0, id: "f1" });
    expect(s.sent()).toEqual([{ type: "read_cancel", id: "f1" }]);
    expect(s.state.reads).toEqual({});
  });
});
