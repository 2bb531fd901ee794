import { describe, expect, it } from "vitest";
import {
  DEFAULT_SCHEDULER_CONFIG,
  initialSchedulerState,
  reduceScheduler,
  reduceSchedulerBatch,
  type SchedulerConfig,
  type SchedulerEffect,
  type SchedulerEvent,
  type SchedulerRun,
  type SchedulerState,
  type SchedulerWorker,
  schedulerWorkerFrom,
  type UserUpdate,
} from "./scheduler-reducer.ts";
import type { WorkerInfo } from "./session-reducer.ts";

const GiB = 1024 ** 3;
const T0 = 1_700_000_000_000;
const S0 = T0 / 1000;
const uuid = (n: number) => `0x${String(n).padStart(32, "0")}`;
const alice: UserUpdate = { user_id: "alice", groups: [], parallel_run_quota: 3 };

function runSpec(n: number, overrides: Partial<SchedulerRun> = {}): SchedulerRun {
  return {
    uuid: uuid(n),
    owner_id: "alice",
    order: n,
    dependency_keys: [],
    requirements: { cpus: 1, gpus: 0, memory: GiB, disk: 0, disk_requested: false, queue: null, priority: null },
    ...overrides,
  };
}

function workerSpec(id: string, overrides: Partial<SchedulerWorker> = {}): SchedulerWorker {
  return {
    worker_id: id,
    owner_id: "alice",
    group_id: null,
    tag: null,
    tag_exclusive: false,
    cpus: 1,
    gpus: 0,
    memory_bytes: 8 * GiB,
    free_disk_bytes: 100 * GiB,
    runs_left: null,
    is_terminating: false,
    shared_pool: false,
    preemptible: false,
    cached_dependencies: [],
    ...overrides,
  };
}

class Scheduler {
  state: SchedulerState = initialSchedulerState();
  effects: SchedulerEffect[] = [];
  now = T0;

  readonly config: SchedulerConfig;

  constructor(config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG) {
    this.config = config;
  }

  dispatch(event: SchedulerEvent): SchedulerEffect[] {
    const result = reduceScheduler(this.state, event, this.config);
    // Everything the Durable Object stores must survive a JSON round trip.
    this.state = JSON.parse(JSON.stringify(result.state));
    this.effects = result.effects;
    return result.effects;
  }

  at(ms: number): this {
    this.now = T0 + ms;
    return this;
  }

  connect(
    worker: SchedulerWorker,
    held: { uuid: string; stage: "running" | "preparing" | "uploading" | "finalizing" }[] = [],
  ) {
    return this.dispatch({ type: "worker_connected", now: this.now, worker, held, owner: alice });
  }

  stage(run: SchedulerRun, owner: UserUpdate = alice) {
    return this.dispatch({ type: "dependencies_ready", now: this.now, uuid: run.uuid, kind: "run", run, owner });
  }

  alarm() {
    return this.dispatch({ type: "alarm_fired", now: this.now });
  }
}

const ofType = <T extends SchedulerEffect["type"]>(effects: SchedulerEffect[], type: T) =>
  effects.filter((e): e is Extract<SchedulerEffect, { type: T }> => e.type === type);

const assigned = (effects: SchedulerEffect[]) =>
  ofType(effects, "deliver_assignment").map((e) => [e.uuid, e.worker_id]);

describe("staging", () => {
  it("asks the adapter to check a new bundle's dependencies", () => {
    const s = new Scheduler();
    expect(
      s.dispatch({ type: "bundle_created", now: T0, uuid: uuid(1), kind: "run", parent_uuids: [uuid(9)] }),
    ).toEqual([{ type: "check_dependencies", uuids: [uuid(1)] }]);
    expect(s.state.waiting[uuid(1)]).toEqual({ kind: "run", parents: [uuid(9)] });
  });

  it("stages a run whose dependencies are ready and assigns it to a free worker with a lease", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    const effects = s.stage(runSpec(1));
    expect(effects).toEqual([
      { type: "transition", uuid: uuid(1), event: { type: "staged" } },
      { type: "transition", uuid: uuid(1), event: { type: "assigned", worker_id: "w1", at: S0 } },
      { type: "deliver_assignment", uuid: uuid(1), worker_id: "w1" },
      { type: "set_alarm", at: T0 + DEFAULT_SCHEDULER_CONFIG.assignment_lease_ms },
    ]);
    expect(s.state.placed[uuid(1)]).toMatchObject({ worker_id: "w1", lease_until: T0 + 10_000 });
  });

  it("says at once why a run cannot be placed", () => {
    const s = new Scheduler();
    const effects = s.stage(runSpec(1));
    expect(ofType(effects, "set_staged_status")).toEqual([
      {
        type: "set_staged_status",
        statuses: [
          {
            uuid: uuid(1),
            staged_status:
              "No worker can ever satisfy this request — available: no connected worker you may use. It stays staged until one connects.",
          },
        ],
      },
    ]);
  });

  it("fails a run whose requirements were refused, after staging it", () => {
    const s = new Scheduler();
    const effects = s.dispatch({
      type: "dependencies_ready",
      now: T0,
      uuid: uuid(1),
      kind: "run",
      refusal: "Requested more memory (8g)",
    });
    expect(effects).toEqual([
      { type: "transition", uuid: uuid(1), event: { type: "staged" } },
      {
        type: "transition",
        uuid: uuid(1),
        event: { type: "requirements_refused", message: "Requested more memory (8g)" },
      },
    ]);
    const noReason = s.dispatch({ type: "dependencies_ready", now: T0, uuid: uuid(2), kind: "run" });
    expect(noReason[1]).toMatchObject({ event: { type: "requirements_refused" } });
  });

  it("stages and starts a make bundle server-side", () => {
    const s = new Scheduler();
    expect(s.dispatch({ type: "dependencies_ready", now: T0, uuid: uuid(1), kind: "make" })).toEqual([
      { type: "transition", uuid: uuid(1), event: { type: "staged" } },
      { type: "start_make", uuid: uuid(1) },
    ]);
  });

  it("fails a waiting bundle whose dependencies failed, once", () => {
    const s = new Scheduler();
    s.dispatch({ type: "bundle_created", now: T0, uuid: uuid(1), kind: "run", parent_uuids: [] });
    expect(
      s.dispatch({ type: "dependencies_failed", now: T0, uuid: uuid(1), message: "Parent bundles failed: x" }),
    ).toEqual([
      { type: "transition", uuid: uuid(1), event: { type: "staging_failed", message: "Parent bundles failed: x" } },
    ]);
    expect(s.dispatch({ type: "dependencies_failed", now: T0, uuid: uuid(1), message: "again" })).toEqual([]);
  });

  it("ignores a repeated dependencies_ready or bundle_created for a run it already placed", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    expect(s.stage(runSpec(1))).toEqual([]);
    expect(s.dispatch({ type: "bundle_created", now: T0, uuid: uuid(1), kind: "run", parent_uuids: [] })).toEqual([]);
  });

  it("takes in runs already staged in the database, once", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    expect(assigned(s.dispatch({ type: "run_staged", now: T0, run: runSpec(1), owner: alice }))).toEqual([
      [uuid(1), "w1"],
    ]);
    s.dispatch({ type: "run_staged", now: T0, run: runSpec(2) });
    expect(s.dispatch({ type: "run_staged", now: T0, run: runSpec(2) })).toEqual([]);
  });

  it("checks the dependents of a bundle that finished", () => {
    const s = new Scheduler();
    s.dispatch({ type: "bundle_created", now: T0, uuid: uuid(2), kind: "run", parent_uuids: [uuid(1)] });
    s.dispatch({ type: "bundle_created", now: T0, uuid: uuid(3), kind: "make", parent_uuids: [uuid(1), uuid(9)] });
    s.dispatch({ type: "bundle_created", now: T0, uuid: uuid(4), kind: "run", parent_uuids: [uuid(9)] });
    expect(s.dispatch({ type: "bundle_finished", now: T0, uuid: uuid(1), state: "ready" })).toEqual([
      { type: "check_dependencies", uuids: [uuid(2), uuid(3)] },
    ]);
  });
});

describe("leases", () => {
  it("ends the lease when the runner acknowledges, leaving no alarm to serve", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    expect(s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) })).toEqual([]);
    expect(s.state.placed[uuid(1)]?.lease_until).toBeNull();
    expect(s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w2", uuid: uuid(1) })).toEqual([]);
  });

  it("takes back an unacknowledged assignment when the lease expires and places the run again", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.at(10_000).alarm();
    expect(s.effects).toEqual([
      { type: "transition", uuid: uuid(1), event: { type: "assignment_expired", at: S0 + 10 } },
      { type: "revoke_assignment", uuid: uuid(1), worker_id: "w1" },
      { type: "transition", uuid: uuid(1), event: { type: "assigned", worker_id: "w1", at: S0 + 10 } },
      { type: "deliver_assignment", uuid: uuid(1), worker_id: "w1" },
      { type: "set_alarm", at: T0 + 20_000 },
    ]);
  });

  it("re-stages a rejected run and does not offer it to that worker again", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    const effects = s.dispatch({
      type: "assignment_rejected",
      now: T0,
      worker_id: "w1",
      uuid: uuid(1),
      reason: "no image",
    });
    expect(assigned(effects)).toEqual([]);
    expect(ofType(effects, "set_staged_status")[0]?.statuses[0]?.staged_status).toContain(
      "[worker w1 refused this run]",
    );
    expect(
      s.dispatch({ type: "assignment_rejected", now: T0, worker_id: "w1", uuid: uuid(1), reason: "again" }),
    ).toEqual([]);
  });
});

describe("capacity", () => {
  it("waits for capacity and places the next run as soon as one finishes", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    const second = s.stage(runSpec(2));
    expect(assigned(second)).toEqual([]);
    expect(ofType(second, "set_staged_status")[0]?.statuses).toEqual([
      {
        uuid: uuid(2),
        staged_status: "Waiting for a worker with 1 CPU and 1g memory free; you are next in the queue.",
      },
    ]);
    expect(assigned(s.dispatch({ type: "run_finished", now: T0, worker_id: "w1", uuid: uuid(1) }))).toEqual([
      [uuid(2), "w1"],
    ]);
    expect(s.dispatch({ type: "run_finished", now: T0, uuid: uuid(1) })).toEqual([]);
  });

  it("frees the capacity of a withdrawn run", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.stage(runSpec(2));
    expect(assigned(s.dispatch({ type: "run_withdrawn", now: T0, uuid: uuid(1) }))).toEqual([[uuid(2), "w1"]]);
    expect(s.dispatch({ type: "run_withdrawn", now: T0, uuid: uuid(1) })).toEqual([]);
  });

  it("uses new capacity a worker reports, and ignores updates of unknown workers", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.stage(runSpec(2));
    expect(assigned(s.dispatch({ type: "worker_updated", now: T0, worker: workerSpec("w1", { cpus: 2 }) }))).toEqual([
      [uuid(2), "w1"],
    ]);
    expect(s.dispatch({ type: "worker_updated", now: T0, worker: workerSpec("ghost") })).toEqual([]);
  });

  it("counts runs on the shared pool against the owner's parallel-run quota", () => {
    const s = new Scheduler();
    s.connect(workerSpec("pool", { owner_id: "root", shared_pool: true, cpus: 16 }));
    const one = { ...alice, parallel_run_quota: 1 };
    s.stage(runSpec(1), one);
    const second = s.stage(runSpec(2), one);
    expect(assigned(second)).toEqual([]);
    expect(ofType(second, "set_staged_status")[0]?.statuses[0]?.staged_status).toMatch(/parallel run quota: 1/);
    expect(assigned(s.dispatch({ type: "quota_changed", now: T0, user_id: "alice", parallel_run_quota: 2 }))).toEqual([
      [uuid(2), "pool"],
    ]);
  });

  it("lets a user who joins a group use the group's workers", () => {
    const s = new Scheduler();
    s.dispatch({
      type: "worker_connected",
      now: T0,
      worker: workerSpec("lab", { owner_id: "bob", group_id: "g-lab" }),
      held: [],
      owner: { user_id: "bob", groups: ["g-lab"], parallel_run_quota: 3 },
    });
    s.stage(runSpec(1, { group_permissions: { "g-lab": "read" } }));
    expect(assigned(s.dispatch({ type: "groups_changed", now: T0, user_id: "alice", groups: ["g-lab"] }))).toEqual([
      [uuid(1), "lab"],
    ]);
    s.dispatch({ type: "quota_changed", now: T0, user_id: "carol", parallel_run_quota: 1 });
    s.dispatch({ type: "groups_changed", now: T0, user_id: "dave", groups: [] });
    expect(s.state.users.carol).toEqual({ groups: [], parallel_run_quota: 1 });
  });
});

describe("lost workers", () => {
  it("moves acknowledged runs of a vanished worker to worker_offline with a deadline, and re-stages leased ones", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1", { cpus: 2 }));
    s.stage(runSpec(1));
    s.stage(runSpec(2));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) });
    const effects = s.at(1000).dispatch({ type: "worker_disconnected", now: s.now, worker_id: "w1" });
    expect(ofType(effects, "transition")).toEqual([
      { type: "transition", uuid: uuid(1), event: { type: "worker_lost", worker_id: "w1", at: S0 + 1 } },
      { type: "transition", uuid: uuid(2), event: { type: "worker_lost", worker_id: "w1", at: S0 + 1 } },
    ]);
    expect(s.state.offline[uuid(1)]).toMatchObject({ worker_id: "w1", deadline: T0 + 1000 + 600_000 });
    expect(s.state.staged[uuid(2)]).toBeDefined();
    expect(s.dispatch({ type: "worker_disconnected", now: s.now, worker_id: "w1" })).toEqual([]);
  });

  it("re-stages the runs of a vanished preemptible worker at once", () => {
    const s = new Scheduler();
    s.connect(workerSpec("spot", { preemptible: true }));
    s.stage(runSpec(1));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "spot", uuid: uuid(1) });
    s.dispatch({ type: "worker_disconnected", now: T0, worker_id: "spot" });
    expect(s.state.staged[uuid(1)]).toBeDefined();
    expect(s.state.offline).toEqual({});
  });

  it("re-stages a worker_offline run after the offline timeout and places it elsewhere", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) });
    s.dispatch({ type: "worker_disconnected", now: T0, worker_id: "w1" });
    s.connect(workerSpec("w2"));
    s.at(600_000).alarm();
    expect(ofType(s.effects, "transition")).toEqual([
      {
        type: "transition",
        uuid: uuid(1),
        event: { type: "offline_timeout", at: S0 + 600, action: "restage", after_seconds: 600 },
      },
      { type: "transition", uuid: uuid(1), event: { type: "assigned", worker_id: "w2", at: S0 + 600 } },
    ]);
  });

  it("fails a worker_offline run after the timeout when the policy says so", () => {
    const s = new Scheduler({ ...DEFAULT_SCHEDULER_CONFIG, offline_action: "fail", offline_timeout_ms: 60_000 });
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) });
    s.dispatch({ type: "worker_disconnected", now: T0, worker_id: "w1" });
    s.at(60_000).alarm();
    expect(s.effects).toEqual([
      {
        type: "transition",
        uuid: uuid(1),
        event: { type: "offline_timeout", at: S0 + 60, action: "fail", after_seconds: 60 },
      },
    ]);
    expect(s.state.offline).toEqual({});
    expect(s.state.staged).toEqual({});
  });
});

describe("reconnecting workers", () => {
  it("keeps the runs that are the worker's, kills the others, and re-runs what it lost", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1", { cpus: 4 }));
    for (const n of [1, 2, 3]) s.stage(runSpec(n));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) });
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(3) });
    s.dispatch({ type: "worker_disconnected", now: T0, worker_id: "w1" });
    expect(Object.keys(s.state.offline).sort()).toEqual([uuid(1), uuid(3)]);
    s.at(5000).connect(workerSpec("w1", { cpus: 4 }), [
      { uuid: uuid(1), stage: "running" },
      { uuid: uuid(7), stage: "running" },
    ]);
    expect(s.effects).toContainEqual({ type: "reconcile", worker_id: "w1", keep: [uuid(1)], kill: [uuid(7)] });
    expect(s.state.placed[uuid(1)]).toMatchObject({ worker_id: "w1", lease_until: null });
    // Run 3 was offline from w1 but w1 no longer has it: it times out and runs again later.
    expect(s.state.offline[uuid(3)]).toBeDefined();
  });

  it("re-runs an acknowledged run the worker forgot, and ends the lease of one it holds", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1", { cpus: 2 }));
    s.stage(runSpec(1));
    s.stage(runSpec(2));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) });
    const effects = s.connect(workerSpec("w1", { cpus: 2 }), [{ uuid: uuid(2), stage: "preparing" }]);
    expect(effects).toContainEqual({
      type: "transition",
      uuid: uuid(1),
      event: { type: "worker_restaged", worker_id: "w1", at: S0 },
    });
    expect(effects).toContainEqual({ type: "reconcile", worker_id: "w1", keep: [uuid(2)], kill: [] });
    expect(s.state.placed[uuid(2)]?.lease_until).toBeNull();
    expect(s.state.placed[uuid(1)]?.worker_id).toBe("w1");
  });
});

describe("staged_status refreshes", () => {
  it("holds back count-only changes until the refresh interval, then sends them together", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.stage(runSpec(2));
    s.stage(runSpec(3));
    expect(s.state.staged[uuid(3)]?.status).toContain("1 run ahead of you");
    s.at(1000).dispatch({ type: "run_finished", now: s.now, uuid: uuid(1) });
    expect(assigned(s.effects)).toEqual([[uuid(2), "w1"]]);
    expect(ofType(s.effects, "set_staged_status")).toEqual([]);
    expect(s.state.statuses_stale).toBe(true);
    expect(ofType(s.effects, "set_alarm")).toEqual([
      { type: "set_alarm", at: T0 + DEFAULT_SCHEDULER_CONFIG.status_refresh_ms },
    ]);
    s.at(5000).alarm();
    expect(ofType(s.effects, "set_staged_status")).toEqual([
      {
        type: "set_staged_status",
        statuses: [
          {
            uuid: uuid(3),
            staged_status: "Waiting for a worker with 1 CPU and 1g memory free; you are next in the queue.",
          },
        ],
      },
    ]);
    expect(s.state.statuses_stale).toBe(false);
  });

  it("refreshes queue counts less often the longer the queue: every 5 s per thousand runs waiting", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    const many = { user_id: "alice", groups: [], parallel_run_quota: 10_000 };
    const staged = Array.from({ length: 1002 }, (_, i): SchedulerEvent => {
      const run = runSpec(i + 1);
      return { type: "dependencies_ready", now: T0, uuid: run.uuid, kind: "run", run, owner: many };
    });
    s.state = reduceSchedulerBatch(s.state, staged, s.config).state;
    expect(Object.keys(s.state.staged)).toHaveLength(1001);
    s.at(1000).dispatch({ type: "run_finished", now: s.now, uuid: uuid(1) });
    expect(assigned(s.effects)).toEqual([[uuid(2), "w1"]]);
    expect(s.state.statuses_stale).toBe(true);
    // 1000 runs wait now: one thousand-run step, 5 s; with 1001 it would have been two.
    expect(ofType(s.effects, "set_alarm")).toEqual([{ type: "set_alarm", at: T0 + 5_000 }]);
    s.at(2000).dispatch({
      type: "dependencies_ready",
      now: s.now,
      uuid: uuid(5000),
      kind: "run",
      run: runSpec(5000),
      owner: many,
    });
    // A new run's text goes out at once; 1001 waiting now: the next count refresh is due at 10 s.
    expect(ofType(s.effects, "set_staged_status")[0]?.statuses.map((status) => status.uuid)).toEqual([uuid(5000)]);
    s.at(5000).alarm();
    expect(ofType(s.effects, "set_staged_status")).toEqual([]);
    expect(ofType(s.effects, "set_alarm")).toEqual([{ type: "set_alarm", at: T0 + 10_000 }]);
    s.at(10_000).alarm();
    expect(ofType(s.effects, "set_staged_status")[0]?.statuses).toHaveLength(1000);
  });

  it("sends a changed reason at once", () => {
    const s = new Scheduler();
    s.stage(runSpec(1));
    s.connect(workerSpec("busy", { cpus: 1 }));
    const effects = s.connect(workerSpec("other", { owner_id: "bob" }));
    expect(ofType(effects, "set_staged_status")).toEqual([]);
    s.stage(runSpec(2));
    s.dispatch({
      type: "worker_updated",
      now: T0,
      worker: workerSpec("busy", { cpus: 1, gpus: 0, is_terminating: true }),
    });
    expect(ofType(s.effects, "set_staged_status")[0]?.statuses[0]?.staged_status).toMatch(
      /^No worker can ever satisfy/,
    );
  });

  it("clears the stale flag when nothing is staged any more", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.stage(runSpec(2));
    s.stage(runSpec(3));
    s.at(1000).dispatch({ type: "run_finished", now: s.now, uuid: uuid(1) });
    s.dispatch({ type: "run_withdrawn", now: s.now, uuid: uuid(3) });
    expect(s.state.statuses_stale).toBe(false);
  });
});

describe("schedulerWorkerFrom", () => {
  it("builds the scheduler's view of a worker from its hello and its row", () => {
    const info: WorkerInfo = {
      worker_name: "laptop",
      hostname: "h",
      runtime: "process",
      capacity: { cpus: 2, gpus: 1, memory_bytes: 3, free_disk_bytes: 4 },
      tag: "t",
      tag_exclusive: true,
      group: "lab",
      max_runs: 5,
      preemptible: true,
      is_terminating: false,
      cached_dependencies: ["0xa"],
    };
    expect(schedulerWorkerFrom(info, { worker_id: "w", owner_id: "u", group_id: "g", shared_pool: false })).toEqual({
      worker_id: "w",
      owner_id: "u",
      group_id: "g",
      shared_pool: false,
      tag: "t",
      tag_exclusive: true,
      cpus: 2,
      gpus: 1,
      memory_bytes: 3,
      free_disk_bytes: 4,
      runs_left: 5,
      is_terminating: false,
      preemptible: true,
      cached_dependencies: ["0xa"],
    });
  });
});

describe("batches", () => {
  it("handles several events with one placement pass", () => {
    let state = reduceScheduler(initialSchedulerState(), {
      type: "worker_connected",
      now: T0,
      worker: workerSpec("w1", { cpus: 2 }),
      held: [],
      owner: alice,
    }).state;
    const result = reduceSchedulerBatch(state, [
      { type: "dependencies_ready", now: T0, uuid: uuid(1), kind: "run", run: runSpec(1), owner: alice },
      { type: "dependencies_ready", now: T0 + 5, uuid: uuid(2), kind: "run", run: runSpec(2) },
      { type: "dependencies_ready", now: T0 + 9, uuid: uuid(3), kind: "run", run: runSpec(3) },
    ]);
    state = result.state;
    expect(assigned(result.effects)).toEqual([
      [uuid(1), "w1"],
      [uuid(2), "w1"],
    ]);
    expect(state.placed[uuid(2)]?.lease_until).toBe(T0 + 9 + DEFAULT_SCHEDULER_CONFIG.assignment_lease_ms);
    expect(ofType(result.effects, "set_staged_status")).toHaveLength(1);
  });

  it("asks for the dependencies of a whole batch of new bundles in one check", () => {
    const created = [1, 2, 3, 2].map(
      (n): SchedulerEvent => ({ type: "bundle_created", now: T0, uuid: uuid(n), kind: "run", parent_uuids: [] }),
    );
    const result = reduceSchedulerBatch(initialSchedulerState(), [
      ...created,
      { type: "bundle_finished", now: T0, uuid: uuid(9), state: "ready" },
    ]);
    expect(result.effects).toEqual([{ type: "check_dependencies", uuids: [uuid(1), uuid(2), uuid(3)] }]);
  });
});

describe("runs a runner gives back", () => {
  it("places a run again at once when its runner re-stages it, elsewhere if it is shutting down", () => {
    const s = new Scheduler();
    s.connect(workerSpec("w1"));
    s.stage(runSpec(1));
    s.dispatch({ type: "assignment_acked", now: T0, worker_id: "w1", uuid: uuid(1) });
    s.dispatch({ type: "worker_updated", now: T0, worker: workerSpec("w1", { is_terminating: true, runs_left: 0 }) });
    s.connect(workerSpec("w2"));
    // Another worker's notice about the run changes nothing.
    expect(s.dispatch({ type: "run_restaged", now: T0, worker_id: "w2", uuid: uuid(1) })).toEqual([]);
    const effects = s.dispatch({ type: "run_restaged", now: T0, worker_id: "w1", uuid: uuid(1) });
    expect(assigned(effects)).toEqual([[uuid(1), "w2"]]);
  });
});
