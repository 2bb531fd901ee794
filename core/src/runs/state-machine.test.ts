import { describe, expect, it } from "vitest";
import { BUNDLE_STATES, type BundleState, type BundleType } from "../constants.ts";
import { CodalabError } from "../errors.ts";
import {
  applyMetadataChanges,
  applyTransition,
  DEFAULT_STAGED_STATUS,
  diffMetadata,
  EXPIRING_STATES,
  finalRunState,
  hasPendingKill,
  initialState,
  KILL_REQUESTED,
  killMessage,
  type MachineBundle,
  type MachineEvent,
  type MachineEventType,
  PREPARING_RUN_STATUS,
  runFailureMessage,
  type Transition,
  transition,
} from "./state-machine.ts";

const W = "worker-1";
const AT = 1_700_000_000;
const HELD_STATES: readonly BundleState[] = ["starting", "preparing", "running", "finalizing"];

function bundle(
  state: BundleState,
  metadata: Record<string, unknown> = {},
  workerId: string | null = HELD_STATES.includes(state) ? W : null,
  bundleType: BundleType = "run",
): MachineBundle {
  return { bundle_type: bundleType, state, worker_id: workerId, metadata };
}

function apply(b: MachineBundle, event: MachineEvent): { result: Transition; next: MachineBundle } {
  const result = transition(b, event);
  return { result, next: applyTransition(b, result) };
}

function expectInvalid(fn: () => unknown, message?: RegExp): void {
  try {
    fn();
    expect.unreachable("expected INVALID_STATE");
  } catch (error) {
    expect(error).toBeInstanceOf(CodalabError);
    expect((error as CodalabError).code).toBe("INVALID_STATE");
    if (message) expect((error as CodalabError).message).toMatch(message);
  }
}

const SAMPLE_EVENTS: { [T in MachineEventType]: Extract<MachineEvent, { type: T }> } = {
  staged: { type: "staged" },
  staging_failed: { type: "staging_failed", message: "Missing parent bundles: 0x1" },
  requirements_refused: { type: "requirements_refused", message: "Requested more memory" },
  upload_succeeded: { type: "upload_succeeded" },
  upload_failed: { type: "upload_failed", message: "upload broke" },
  make_started: { type: "make_started" },
  make_succeeded: { type: "make_succeeded", data_size: 10 },
  make_failed: { type: "make_failed", message: "Invalid dependency" },
  make_interrupted: { type: "make_interrupted" },
  assigned: { type: "assigned", worker_id: W, at: AT },
  assignment_expired: { type: "assignment_expired", at: AT },
  assignment_rejected: { type: "assignment_rejected", worker_id: W, reason: "no image", at: AT },
  acknowledged: { type: "acknowledged", worker_id: W, at: AT },
  stage_reported: { type: "stage_reported", worker_id: W, at: AT, stage: "running", run_status: "Running" },
  finished: { type: "finished", worker_id: W, at: AT, exitcode: 0, failure_message: null },
  finalized: { type: "finalized", at: AT },
  kill_requested: { type: "kill_requested", at: AT },
  write_requested: { type: "write_requested", subpath: "note.txt", string: "hi" },
  worker_lost: { type: "worker_lost", worker_id: W, at: AT },
  worker_restaged: { type: "worker_restaged", worker_id: W, at: AT },
  offline_timeout: { type: "offline_timeout", at: AT, action: "restage", after_seconds: 600 },
  expired: { type: "expired", at: AT, days: 60 },
};

/** States from which the sample event does not throw (legal source, or already applied). */
const RUN_ACCEPTS: { [T in MachineEventType]: readonly BundleState[] } = {
  staged: ["created", "staged"],
  staging_failed: ["created"],
  requirements_refused: ["staged"],
  upload_succeeded: ["uploading", "ready"],
  upload_failed: ["uploading"],
  make_started: [],
  make_succeeded: [],
  make_failed: [],
  make_interrupted: [],
  assigned: ["staged", "starting"],
  assignment_expired: ["starting", "staged"],
  assignment_rejected: ["starting", "staged"],
  acknowledged: ["starting", "preparing", "running", "finalizing"],
  stage_reported: ["starting", "preparing", "running", "worker_offline"],
  finished: ["starting", "preparing", "running", "worker_offline", "finalizing"],
  finalized: ["finalizing", "ready", "failed", "killed"],
  kill_requested: [
    "created",
    "uploading",
    "staged",
    "making",
    "starting",
    "preparing",
    "running",
    "worker_offline",
    "killed",
  ],
  write_requested: ["starting", "preparing", "running"],
  worker_lost: [
    "starting",
    "preparing",
    "running",
    "finalizing",
    "worker_offline",
    "staged",
    "ready",
    "failed",
    "killed",
  ],
  worker_restaged: ["starting", "preparing", "running", "staged"],
  offline_timeout: ["worker_offline", "staged", "ready", "failed", "killed"],
  expired: EXPIRING_STATES,
};

const MAKE_ACCEPTS: Partial<Record<MachineEventType, readonly BundleState[]>> = {
  staged: ["created", "staged"],
  staging_failed: ["created"],
  upload_succeeded: ["uploading", "ready"],
  upload_failed: ["uploading"],
  make_started: ["staged", "making"],
  make_succeeded: ["making"],
  make_failed: ["making"],
  make_interrupted: ["making", "staged"],
  kill_requested: RUN_ACCEPTS.kill_requested,
  expired: EXPIRING_STATES,
};

const UPLOAD_ACCEPTS: Partial<Record<MachineEventType, readonly BundleState[]>> = {
  upload_succeeded: ["uploading", "ready"],
  upload_failed: ["uploading"],
  kill_requested: RUN_ACCEPTS.kill_requested,
  expired: EXPIRING_STATES,
};

describe("which moves are legal", () => {
  const cases: [BundleType, Partial<Record<MachineEventType, readonly BundleState[]>>][] = [
    ["run", RUN_ACCEPTS],
    ["make", MAKE_ACCEPTS],
    ["dataset", UPLOAD_ACCEPTS],
    ["program", UPLOAD_ACCEPTS],
  ];
  for (const [bundleType, accepts] of cases) {
    for (const type of Object.keys(SAMPLE_EVENTS) as MachineEventType[]) {
      it(`a ${bundleType} bundle takes ${type} only where the spec allows it, and refuses it elsewhere with INVALID_STATE`, () => {
        const allowed = accepts[type] ?? [];
        for (const state of BUNDLE_STATES) {
          const b = bundle(state, {}, HELD_STATES.includes(state) ? W : null, bundleType);
          if (allowed.includes(state)) {
            expect(() => transition(b, SAMPLE_EVENTS[type]), `${type} from ${state}`).not.toThrow();
          } else {
            expectInvalid(() => transition(b, SAMPLE_EVENTS[type]));
          }
        }
      });
    }
  }
});

describe("every transition is idempotent", () => {
  const legal: [string, MachineBundle, MachineEvent][] = [
    ["staging", bundle("created"), SAMPLE_EVENTS.staged],
    ["failing staging", bundle("created"), SAMPLE_EVENTS.staging_failed],
    ["refusing requirements", bundle("staged"), SAMPLE_EVENTS.requirements_refused],
    ["finishing an upload", bundle("uploading", {}, null, "dataset"), { type: "upload_succeeded", data_size: 5 }],
    ["failing an upload", bundle("uploading", {}, null, "dataset"), SAMPLE_EVENTS.upload_failed],
    ["starting a make", bundle("staged", {}, null, "make"), SAMPLE_EVENTS.make_started],
    ["finishing a make", bundle("making", {}, null, "make"), SAMPLE_EVENTS.make_succeeded],
    ["failing a make", bundle("making", {}, null, "make"), SAMPLE_EVENTS.make_failed],
    ["re-staging a make", bundle("making", {}, null, "make"), SAMPLE_EVENTS.make_interrupted],
    ["assigning", bundle("staged"), SAMPLE_EVENTS.assigned],
    ["expiring an assignment", bundle("starting"), SAMPLE_EVENTS.assignment_expired],
    ["rejecting an assignment", bundle("starting"), SAMPLE_EVENTS.assignment_rejected],
    ["acknowledging", bundle("starting"), SAMPLE_EVENTS.acknowledged],
    ["reporting progress", bundle("preparing"), SAMPLE_EVENTS.stage_reported],
    ["coming back from offline", bundle("worker_offline"), SAMPLE_EVENTS.stage_reported],
    ["finishing", bundle("running"), { type: "finished", worker_id: W, at: AT, exitcode: 2, failure_message: null }],
    ["finalizing", bundle("finalizing", { exitcode: 0 }), SAMPLE_EVENTS.finalized],
    ["killing a staged run", bundle("staged"), SAMPLE_EVENTS.kill_requested],
    ["killing a starting run", bundle("starting"), SAMPLE_EVENTS.kill_requested],
    ["killing a running run", bundle("running"), SAMPLE_EVENTS.kill_requested],
    ["writing", bundle("running"), SAMPLE_EVENTS.write_requested],
    ["losing the worker", bundle("running"), SAMPLE_EVENTS.worker_lost],
    ["losing the worker while starting", bundle("starting"), SAMPLE_EVENTS.worker_lost],
    ["the worker re-staging", bundle("running"), SAMPLE_EVENTS.worker_restaged],
    ["offline timeout (re-stage)", bundle("worker_offline"), SAMPLE_EVENTS.offline_timeout],
    [
      "offline timeout (fail)",
      bundle("worker_offline"),
      { type: "offline_timeout", at: AT, action: "fail", after_seconds: 600 },
    ],
    ["expiring", bundle("running"), SAMPLE_EVENTS.expired],
  ];
  for (const [what, b, event] of legal) {
    it(`${what} twice changes nothing the second time`, () => {
      const { result, next } = apply(b, event);
      expect(
        result.state !== b.state || Object.keys(result.changes).length > 0 || result.worker_id !== b.worker_id,
      ).toBe(true);
      expect(transition(next, event)).toEqual({
        state: next.state,
        worker_id: next.worker_id,
        changes: {},
        effects: [],
      });
    });
  }
});

describe("staging", () => {
  it("stages a created run with CodaLab's staged_status and asks the scheduler to place it", () => {
    const { result } = apply(bundle("created"), SAMPLE_EVENTS.staged);
    expect(result).toEqual({
      state: "staged",
      worker_id: null,
      changes: { staged_status: DEFAULT_STAGED_STATUS },
      effects: [{ type: "became_staged" }],
    });
  });

  it("stages a make bundle without a scheduler effect (the make happens server-side)", () => {
    expect(transition(bundle("created", {}, null, "make"), SAMPLE_EVENTS.staged).effects).toEqual([]);
  });

  it("fails a bundle whose parents are missing and says it reached a final state", () => {
    const { result } = apply(bundle("created"), SAMPLE_EVENTS.staging_failed);
    expect(result.state).toBe("failed");
    expect(result.changes).toEqual({ failure_message: "Missing parent bundles: 0x1" });
    expect(result.effects).toEqual([{ type: "reached_final", state: "failed" }]);
  });

  it("refuses to fail staging twice with a different reason", () => {
    const failed = bundle("failed", { failure_message: "first" });
    expectInvalid(() => transition(failed, { type: "staging_failed", message: "second" }));
    expect(transition(failed, { type: "staging_failed", message: "first" }).changes).toEqual({});
  });

  it("fails a staged run whose requirements cannot be met", () => {
    expect(transition(bundle("staged"), SAMPLE_EVENTS.requirements_refused)).toMatchObject({
      state: "failed",
      changes: { failure_message: "Requested more memory" },
    });
  });
});

describe("assignment", () => {
  it("binds a staged run to the chosen worker", () => {
    expect(transition(bundle("staged"), SAMPLE_EVENTS.assigned)).toEqual({
      state: "starting",
      worker_id: W,
      changes: { last_updated: AT },
      effects: [],
    });
  });

  it("refuses to assign a starting run to a second worker", () => {
    expectInvalid(() => transition(bundle("starting"), { type: "assigned", worker_id: "other", at: AT }));
  });

  it("moves to preparing when the assigned worker acknowledges, recording where and when", () => {
    const { result } = apply(bundle("starting", { remote_history: ["old"] }), {
      type: "acknowledged",
      worker_id: W,
      at: AT,
      preemptible: true,
    });
    expect(result.state).toBe("preparing");
    expect(result.changes).toEqual({
      run_status: PREPARING_RUN_STATUS,
      started: AT,
      last_updated: AT,
      remote: W,
      remote_history: ["old", W],
      on_preemptible_worker: true,
    });
  });

  it("refuses an acknowledgement from a worker the run is not assigned to", () => {
    expectInvalid(
      () => transition(bundle("starting"), { type: "acknowledged", worker_id: "intruder", at: AT }),
      /held by worker worker-1, not by worker intruder/,
    );
    expectInvalid(() => transition(bundle("preparing", {}, "other"), { type: "acknowledged", worker_id: W, at: AT }));
  });

  it("re-stages a run whose assignment expired or was rejected", () => {
    for (const event of [SAMPLE_EVENTS.assignment_expired, SAMPLE_EVENTS.assignment_rejected]) {
      const { result } = apply(bundle("starting", { last_updated: AT }), event);
      expect(result.state).toBe("staged");
      expect(result.worker_id).toBeNull();
      expect(result.effects).toEqual([{ type: "released", worker_id: W }, { type: "became_staged" }]);
    }
  });

  it("refuses a rejection from a worker that does not hold the assignment", () => {
    expectInvalid(() =>
      transition(bundle("starting"), { type: "assignment_rejected", worker_id: "other", reason: "x", at: AT }),
    );
    expectInvalid(
      () =>
        transition(bundle("starting", {}, null), { type: "assignment_rejected", worker_id: W, reason: "x", at: AT }),
      /not held by any worker/,
    );
  });
});

describe("progress reports", () => {
  const report: MachineEvent = {
    type: "stage_reported",
    worker_id: W,
    at: AT + 5,
    stage: "running",
    run_status: "Running",
    usage: { time: 4, memory: 100, data_size: 2048, time_preparing: 1, docker_image: "sha256:abc" },
  };

  it("moves preparing to running and refreshes usage metadata", () => {
    const { result } = apply(bundle("preparing"), report);
    expect(result.state).toBe("running");
    expect(result.changes).toEqual({
      run_status: "Running",
      time: 4,
      memory: 100,
      data_size: 2048,
      time_preparing: 1,
      docker_image: "sha256:abc",
      last_updated: AT + 5,
      remote: W,
    });
  });

  it("shows the uploading stage as running, as CodaLab does", () => {
    expect(transition(bundle("running"), { ...report, stage: "uploading" } as MachineEvent).state).toBe("running");
    expect(transition(bundle("running"), { ...report, stage: "preparing" } as MachineEvent).state).toBe("preparing");
  });

  it("treats progress from a starting run as its lost acknowledgement", () => {
    const { result } = apply(bundle("starting"), report);
    expect(result.state).toBe("running");
    expect(result.changes).toMatchObject({ started: AT + 5, remote_history: [W], run_status: "Running" });
  });

  it("brings a worker_offline run back when its worker reports it, and resends a pending kill", () => {
    const offline = bundle("worker_offline", { actions: ["kill"] });
    const { result } = apply(offline, report);
    expect(result.state).toBe("running");
    expect(result.worker_id).toBe(W);
    expect(result.effects).toEqual([{ type: "send_kill", worker_id: W, message: KILL_REQUESTED }]);
  });

  it("refuses progress from a worker that does not hold the run", () => {
    expectInvalid(() => transition(bundle("running", {}, "other"), report), /held by worker other/);
  });

  it("refuses progress for a run that has already ended", () => {
    expectInvalid(() => transition(bundle("killed"), report));
  });
});

describe("finishing and finalizing", () => {
  const finished = (exitcode: number | null, failure: string | null, killed = false): MachineEvent => ({
    type: "finished",
    worker_id: W,
    at: AT,
    exitcode,
    failure_message: failure,
    killed,
    usage: { time: 10 },
  });

  it("records a non-zero exit as 'Exit code N' when the worker gave no message", () => {
    const { result } = apply(bundle("running"), finished(3, null));
    expect(result.state).toBe("finalizing");
    expect(result.changes).toMatchObject({ exitcode: 3, failure_message: "Exit code 3", time: 10 });
    expect(result.effects).toEqual([{ type: "commit_results" }]);
  });

  it("keeps the worker's own failure message", () => {
    expect(transition(bundle("running"), finished(1, "Memory limit 2g exceeded.", true)).changes).toMatchObject({
      failure_message: "Memory limit 2g exceeded.",
    });
  });

  it("records a kill without a message as 'Kill requested'", () => {
    expect(transition(bundle("running"), finished(137, null, true)).changes).toMatchObject({
      failure_message: KILL_REQUESTED,
    });
  });

  it("accepts the end of a run from a worker coming back from offline, and from a starting run", () => {
    const fromOffline = transition(bundle("worker_offline"), finished(0, null));
    expect(fromOffline.state).toBe("finalizing");
    expect(fromOffline.worker_id).toBe(W);
    expect(transition(bundle("starting"), finished(0, null)).changes).toMatchObject({ started: AT });
  });

  it("ignores a repeated end report after finalisation but refuses one from another worker", () => {
    const ready = bundle("ready", { remote: W }, null);
    expect(transition(ready, finished(0, null)).changes).toEqual({});
    expectInvalid(() => transition(bundle("ready", { remote: "other" }, null), finished(0, null)));
  });

  it.each([
    [{ exitcode: 0 }, "ready"],
    [{ exitcode: 2, failure_message: "Exit code 2" }, "failed"],
    [{ exitcode: 0, failure_message: "Uploading results failed" }, "failed"],
    [{ exitcode: 137, failure_message: "Kill requested" }, "killed"],
    [{ failure_message: "Kill requested: User time quota exceeded." }, "killed"],
    [{ exitcode: 137, failure_message: "Time limit exceeded. (Container uptime 2m > time limit 1m)" }, "failed"],
  ])("finalizes %j as %s", (metadata, expected) => {
    const { result } = apply(bundle("finalizing", metadata), SAMPLE_EVENTS.finalized);
    expect(result.state).toBe(expected);
    expect(result.worker_id).toBeNull();
    expect(result.changes).toEqual({ run_status: "Finished", last_updated: AT });
    expect(result.effects).toEqual([
      { type: "send_mark_finalized", worker_id: W },
      { type: "released", worker_id: W },
      { type: "reached_final", state: expected },
    ]);
  });

  it("finalizes an unbound finalizing run without messaging any worker", () => {
    expect(transition(bundle("finalizing", {}, null), SAMPLE_EVENTS.finalized).effects).toEqual([
      { type: "reached_final", state: "ready" },
    ]);
  });

  it("lets the first finalisation win", () => {
    expect(transition(bundle("failed"), SAMPLE_EVENTS.finalized)).toEqual({
      state: "failed",
      worker_id: null,
      changes: {},
      effects: [],
    });
  });
});

describe("kills", () => {
  it.each(["created", "staged", "making"] as const)("kills a %s run at once", (state) => {
    const { result } = apply(bundle(state), SAMPLE_EVENTS.kill_requested);
    expect(result).toEqual({
      state: "killed",
      worker_id: null,
      changes: { failure_message: KILL_REQUESTED, actions: ["kill"] },
      effects: [{ type: "reached_final", state: "killed" }],
    });
  });

  it("never drops a kill during starting: the run ends killed and the worker is told", () => {
    const { result } = apply(bundle("starting"), { type: "kill_requested", at: AT, message: "stop" });
    expect(result.state).toBe("killed");
    expect(result.changes).toEqual({ failure_message: "Kill requested: stop", actions: ["kill"] });
    expect(result.effects).toEqual([
      { type: "send_kill", worker_id: W, message: "Kill requested: stop" },
      { type: "released", worker_id: W },
      { type: "reached_final", state: "killed" },
    ]);
  });

  it("asks the worker to kill a running run and records the action", () => {
    const { result, next } = apply(bundle("running", { actions: ["write\ta\tb"] }), SAMPLE_EVENTS.kill_requested);
    expect(result).toEqual({
      state: "running",
      worker_id: W,
      changes: { actions: ["write\ta\tb", "kill"] },
      effects: [{ type: "send_kill", worker_id: W, message: KILL_REQUESTED }],
    });
    expect(hasPendingKill(next)).toBe(true);
  });

  it("kills a worker_offline run at once instead of waiting for a worker that may never come back", () => {
    const { result } = apply(bundle("worker_offline"), SAMPLE_EVENTS.kill_requested);
    expect(result.state).toBe("killed");
    expect(result.effects).toEqual([{ type: "reached_final", state: "killed" }]);
  });

  it("kills uploads without touching actions (only runs have them)", () => {
    expect(transition(bundle("uploading", {}, null, "dataset"), SAMPLE_EVENTS.kill_requested).changes).toEqual({
      failure_message: KILL_REQUESTED,
    });
  });

  it("refuses to kill a run that is being finalized, and a finished bundle, with CodaLab's message", () => {
    expectInvalid(() => transition(bundle("finalizing"), SAMPLE_EVENTS.kill_requested), /being finalized/);
    expectInvalid(
      () => transition(bundle("ready"), SAMPLE_EVENTS.kill_requested),
      /Cannot execute this action on a bundle that is in the following states: ready, failed, killed/,
    );
  });

  it("lets a pending kill win over a re-stage", () => {
    const killedRun = bundle("running", { actions: ["kill"] });
    expect(transition(killedRun, SAMPLE_EVENTS.worker_restaged).state).toBe("killed");
    const preemptible = bundle("running", { actions: ["kill"], on_preemptible_worker: true });
    expect(transition(preemptible, SAMPLE_EVENTS.worker_lost).state).toBe("killed");
    const offline = bundle("worker_offline", { actions: ["kill"] });
    expect(
      transition(offline, { type: "offline_timeout", at: AT, action: "fail", after_seconds: 60 }).changes,
    ).toMatchObject({ failure_message: KILL_REQUESTED });
  });

  it("words kill messages so that quota kills still end killed", () => {
    expect(killMessage()).toBe("Kill requested");
    expect(killMessage("User time quota exceeded.")).toBe("Kill requested: User time quota exceeded.");
    expect(killMessage("Kill requested: already worded")).toBe("Kill requested: already worded");
  });
});

describe("writes", () => {
  it("records a write action and sends it to the worker", () => {
    const { result } = apply(bundle("running"), { type: "write_requested", subpath: "./out/note.txt", string: "hi" });
    expect(result.changes).toEqual({ actions: ["write\tout/note.txt\thi"] });
    expect(result.effects).toEqual([{ type: "send_write", worker_id: W, subpath: "out/note.txt", string: "hi" }]);
  });

  it("refuses writes over the bundle root or outside it", () => {
    expect(() => transition(bundle("running"), { type: "write_requested", subpath: ".", string: "" })).toThrow(
      /bundle's root/,
    );
    expect(() => transition(bundle("running"), { type: "write_requested", subpath: "../x", string: "" })).toThrow(
      CodalabError,
    );
  });

  it("refuses writes into a run that is not running", () => {
    expectInvalid(() => transition(bundle("staged"), SAMPLE_EVENTS.write_requested));
    expectInvalid(() => transition(bundle("ready"), SAMPLE_EVENTS.write_requested), /ready, failed, killed/);
  });
});

describe("lost workers", () => {
  it("moves a running run to worker_offline and releases the worker", () => {
    expect(transition(bundle("running"), SAMPLE_EVENTS.worker_lost)).toEqual({
      state: "worker_offline",
      worker_id: null,
      changes: { last_updated: AT },
      effects: [{ type: "released", worker_id: W }],
    });
  });

  it("re-stages a run that was on a preemptible worker or still starting", () => {
    expect(transition(bundle("running", { on_preemptible_worker: true }), SAMPLE_EVENTS.worker_lost).state).toBe(
      "staged",
    );
    expect(transition(bundle("starting"), SAMPLE_EVENTS.worker_lost).state).toBe("staged");
  });

  it("keeps a finalizing run: its results are already uploaded", () => {
    expect(transition(bundle("finalizing"), SAMPLE_EVENTS.worker_lost)).toEqual({
      state: "finalizing",
      worker_id: W,
      changes: {},
      effects: [],
    });
  });

  it("refuses a loss reported for a worker that does not hold the run", () => {
    expectInvalid(() => transition(bundle("running", {}, "other"), SAMPLE_EVENTS.worker_lost));
  });

  it("gives worker_offline a bounded life: re-stage or fail by policy", () => {
    expect(transition(bundle("worker_offline"), SAMPLE_EVENTS.offline_timeout).state).toBe("staged");
    expect(
      transition(bundle("worker_offline"), { type: "offline_timeout", at: AT, action: "fail", after_seconds: 600 }),
    ).toMatchObject({
      state: "failed",
      changes: { failure_message: "Worker went offline and did not come back within 10m." },
    });
  });
});

describe("re-staging", () => {
  it("clears generated run fields except actions, created and remote_history", () => {
    const metadata = {
      created: AT - 100,
      actions: ["write\ta\tb"],
      remote_history: [W],
      remote: W,
      started: AT,
      last_updated: AT,
      run_status: "Running",
      time: 3,
      memory_max: 10,
      data_size: 4,
      exitcode: 0,
      failure_message: "x",
      on_preemptible_worker: false,
      docker_image: "sha256:1",
      staged_status: "old",
      name: "run-echo",
      request_memory: "2g",
    };
    const { result, next } = apply(bundle("running", metadata), SAMPLE_EVENTS.worker_restaged);
    expect(result.state).toBe("staged");
    expect(result.changes).toEqual({
      data_size: null,
      failure_message: null,
      staged_status: DEFAULT_STAGED_STATUS,
      time: null,
      memory_max: null,
      started: null,
      last_updated: null,
      run_status: null,
      docker_image: null,
      exitcode: null,
      remote: null,
      on_preemptible_worker: null,
    });
    expect(next.metadata).toEqual({
      created: AT - 100,
      actions: ["write\ta\tb"],
      remote_history: [W],
      staged_status: DEFAULT_STAGED_STATUS,
      name: "run-echo",
      request_memory: "2g",
    });
  });
});

describe("expiry", () => {
  const stuck = (state: string) => `Bundle has been stuck in ${state} state for more than 60 days.`;

  it("fails a run stuck for too long and tells its worker to stop, with the same words", () => {
    for (const state of ["preparing", "running"] as const) {
      expect(transition(bundle(state), SAMPLE_EVENTS.expired)).toEqual({
        state: "failed",
        worker_id: null,
        changes: { failure_message: stuck(state) },
        effects: [
          { type: "send_kill", worker_id: W, message: stuck(state) },
          { type: "released", worker_id: W },
          { type: "reached_final", state: "failed" },
        ],
      });
    }
  });

  it("fails a staged or offline run at once: no worker holds it", () => {
    const staged = transition(bundle("staged", { staged_status: DEFAULT_STAGED_STATUS }), SAMPLE_EVENTS.expired);
    expect(staged).toEqual({
      state: "failed",
      worker_id: null,
      changes: { failure_message: stuck("staged"), staged_status: null },
      effects: [{ type: "reached_final", state: "failed" }],
    });
    expect(transition(bundle("worker_offline", { remote: W }), SAMPLE_EVENTS.expired)).toMatchObject({
      state: "failed",
      changes: { failure_message: stuck("worker_offline") },
      effects: [{ type: "reached_final", state: "failed" }],
    });
  });
});

describe("staged_status", () => {
  const waited = { staged_status: "Waiting for a worker with 64 CPUs; no run ahead of this one." };

  it("is cleared when a run or make leaves staged, however it leaves", () => {
    const cases: [MachineBundle, MachineEvent][] = [
      [bundle("staged", waited), SAMPLE_EVENTS.assigned],
      [bundle("staged", waited), SAMPLE_EVENTS.requirements_refused],
      [bundle("staged", waited), SAMPLE_EVENTS.kill_requested],
      [bundle("staged", waited, null, "make"), SAMPLE_EVENTS.make_started],
    ];
    for (const [b, event] of cases) {
      const { result, next } = apply(b, event);
      expect(result.changes, `${event.type}`).toMatchObject({ staged_status: null });
      expect(next.metadata.staged_status, `${event.type}`).toBeUndefined();
    }
  });

  it("is kept while the bundle still waits, and set again when a run is re-staged", () => {
    expect(transition(bundle("created", waited), SAMPLE_EVENTS.staged).changes).toEqual({
      staged_status: DEFAULT_STAGED_STATUS,
    });
    const restaged = transition(bundle("starting"), SAMPLE_EVENTS.assignment_expired);
    expect(restaged.changes.staged_status).toBe(DEFAULT_STAGED_STATUS);
  });

  it("a finished run never carries one", () => {
    let run = bundle("staged", waited);
    for (const event of [
      SAMPLE_EVENTS.assigned,
      SAMPLE_EVENTS.acknowledged,
      { type: "finished", worker_id: W, at: AT, exitcode: 0, failure_message: null } as const,
      SAMPLE_EVENTS.finalized,
    ]) {
      run = apply(run, event).next;
    }
    expect(run.state).toBe("ready");
    expect(run.metadata.staged_status).toBeUndefined();
  });
});

describe("make and upload bundles", () => {
  it("walks a make bundle through staged, making and ready", () => {
    let make = bundle("created", {}, null, "make");
    make = apply(make, SAMPLE_EVENTS.staged).next;
    make = apply(make, SAMPLE_EVENTS.make_started).next;
    expect(make.state).toBe("making");
    const done = transition(make, { type: "make_succeeded", data_size: 42 });
    expect(done).toMatchObject({ state: "ready", changes: { data_size: 42 } });
  });

  it("records a make failure with its traceback, and re-stages an interrupted make", () => {
    const making = bundle("making", {}, null, "make");
    expect(transition(making, { type: "make_failed", message: "boom", error_traceback: "trace" }).changes).toEqual({
      failure_message: "boom",
      error_traceback: "trace",
    });
    expect(transition(making, SAMPLE_EVENTS.make_interrupted).state).toBe("staged");
  });

  it("finishes an upload in the state the client asked for, with its size", () => {
    const uploading = bundle("uploading", {}, null, "dataset");
    expect(transition(uploading, { type: "upload_succeeded", state_on_success: "failed", data_size: 9 })).toMatchObject(
      {
        state: "failed",
        changes: { data_size: 9 },
      },
    );
    expect(transition(uploading, SAMPLE_EVENTS.upload_failed)).toMatchObject({
      state: "failed",
      changes: { failure_message: "upload broke" },
    });
  });

  it("starts uploads in uploading, linked uploads ready, and derived bundles in created", () => {
    expect(initialState("dataset")).toBe("uploading");
    expect(initialState("program", { linked: true })).toBe("ready");
    expect(initialState("run")).toBe("created");
    expect(initialState("make", { wait_for_upload: true })).toBe("uploading");
  });
});

describe("rules shared with adapters", () => {
  it("derives failure messages as CodaLab does", () => {
    expect(runFailureMessage(0, null)).toBeNull();
    expect(runFailureMessage(null, null)).toBeNull();
    expect(runFailureMessage(1, null)).toBe("Exit code 1");
    expect(runFailureMessage(1, "own")).toBe("own");
    expect(runFailureMessage(137, null, true)).toBe(KILL_REQUESTED);
  });

  it("derives the final state from the recorded message and exit code", () => {
    expect(finalRunState({})).toBe("ready");
    expect(finalRunState({ exitcode: 1 })).toBe("failed");
    expect(finalRunState({ failure_message: "Kill requested" })).toBe("killed");
  });

  it("diffs and applies metadata patches, null deleting a key", () => {
    const metadata = { a: 1, list: ["x"], gone: 2 };
    expect(diffMetadata(metadata, { a: 1, list: ["x"], gone: null, missing: null, b: 3 })).toEqual({
      gone: null,
      b: 3,
    });
    expect(applyMetadataChanges(metadata, { gone: null, b: 3 })).toEqual({ a: 1, list: ["x"], b: 3 });
  });

  it("ignores malformed actions when looking for a pending kill", () => {
    expect(hasPendingKill(bundle("running", { actions: "kill" }))).toBe(false);
    expect(hasPendingKill(bundle("running", { actions: [3, "kill"] }))).toBe(true);
    expect(hasPendingKill(bundle("running", { actions: ["kill"] }, W, "make"))).toBe(false);
  });
});
