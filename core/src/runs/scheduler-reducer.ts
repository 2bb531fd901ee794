/**
 * The pure reducer behind the singleton Scheduler Durable Object (CodaLab's bundle manager, made
 * event-driven). It stages created bundles once their dependencies are settled, places staged
 * runs on workers with `scheduleRuns`, leases each assignment until the runner acknowledges it,
 * gives `worker_offline` runs a bounded time to come back, and keeps every waiting run's
 * `staged_status` current. No polling: work happens on events; the one alarm serves the earliest
 * deadline (a lease, an offline timeout, a due status refresh).
 *
 * State is small and plain: the runs it is responsible for (waiting on dependencies, staged,
 * placed on a worker, offline) and the connected workers' capacities, each in a record keyed by
 * id. Records are copied on write (once per step), so an adapter can persist only the entries
 * whose identity changed. Bundle changes are never made here: they are `transition` effects (state-machine
 * events) the adapter applies to the database. Times are ms since the epoch (`now`).
 */
import type { BundleState } from "../constants.ts";
import type { HeldRun } from "./protocol.ts";
import {
  type PolicyRun,
  type PolicyUser,
  type PolicyWorker,
  scheduleRuns,
  type WaitReason,
} from "./scheduling-policy.ts";
import type { WorkerInfo } from "./session-reducer.ts";
import type { MachineEvent } from "./state-machine.ts";

export type SchedulerConfig = {
  /** An assignment not acknowledged within this is taken back and the run re-staged. */
  assignment_lease_ms: number;
  /** How long a `worker_offline` run waits for its worker before `offline_action`. */
  offline_timeout_ms: number;
  offline_action: "restage" | "fail";
  /**
   * Waiting texts whose only change is a queue count are refreshed at most this often, per
   * thousand runs waiting: rewriting ten thousand rows every few seconds would cost more than the
   * placements themselves, and a count deep in a long queue need not be as fresh.
   */
  status_refresh_ms: number;
};

/** Runs waiting per `status_refresh_ms` of interval between count-only refreshes. */
const STATUS_REFRESH_PER = 1000;

function statusRefreshMs(state: SchedulerState, config: SchedulerConfig): number {
  const waiting = Object.keys(state.staged).length;
  return config.status_refresh_ms * Math.max(1, Math.ceil(waiting / STATUS_REFRESH_PER));
}

export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = {
  assignment_lease_ms: 10_000,
  offline_timeout_ms: 10 * 60_000,
  offline_action: "restage",
  status_refresh_ms: 5_000,
};

export type SchedulerRun = PolicyRun;

export type SchedulerUser = { groups: string[]; parallel_run_quota: number; is_admin?: boolean };
export type UserUpdate = SchedulerUser & { user_id: string };

export type SchedulerWorker = Omit<PolicyWorker, "used" | "running" | "cached_dependencies"> & {
  preemptible: boolean;
  cached_dependencies: string[];
};

export type StagedEntry = { run: SchedulerRun; status: string | null; reason: WaitReason | null };
export type Placement = { run: SchedulerRun; worker_id: string; lease_until: number | null };
export type OfflineEntry = { run: SchedulerRun; worker_id: string; deadline: number };

export type SchedulerState = {
  version: 1;
  /** Created bundles waiting for their dependencies. */
  waiting: Record<string, { kind: "run" | "make"; parents: string[] }>;
  staged: Record<string, StagedEntry>;
  /** Runs on a worker: leased (`lease_until` set) until acknowledged. */
  placed: Record<string, Placement>;
  offline: Record<string, OfflineEntry>;
  workers: Record<string, SchedulerWorker>;
  users: Record<string, SchedulerUser>;
  alarm_at: number | null;
  status_flushed_at: number;
  /** Some waiting texts changed only in their counts; they go out at the next refresh. */
  statuses_stale: boolean;
};

export type SchedulerEvent =
  | { type: "bundle_created"; now: number; uuid: string; kind: "run" | "make"; parent_uuids: string[] }
  /**
   * The adapter checked the parents: all settled. For a run, `run` is its placement data, or
   * `refusal` says why its requirements cannot be met (quota, server limits).
   */
  | {
      type: "dependencies_ready";
      now: number;
      uuid: string;
      kind: "run" | "make";
      run?: SchedulerRun;
      refusal?: string;
      owner?: UserUpdate;
    }
  | { type: "dependencies_failed"; now: number; uuid: string; message: string }
  /** A run already `staged` in the database (recovery, or re-staged elsewhere). */
  | { type: "run_staged"; now: number; run: SchedulerRun; owner?: UserUpdate }
  | { type: "worker_connected"; now: number; worker: SchedulerWorker; held: HeldRun[]; owner?: UserUpdate }
  | { type: "worker_updated"; now: number; worker: SchedulerWorker }
  | { type: "worker_disconnected"; now: number; worker_id: string }
  | { type: "assignment_acked"; now: number; worker_id: string; uuid: string }
  | { type: "assignment_rejected"; now: number; worker_id: string; uuid: string; reason: string }
  /** The runner finished the run: its capacity is free (the result is committed separately). */
  | { type: "run_finished"; now: number; worker_id?: string; uuid: string }
  /** The runner gave the run up unfinished (its bundle is `staged` again): place it again. */
  | { type: "run_restaged"; now: number; worker_id: string; uuid: string }
  /** Any bundle reached a final state: dependents may be staged. */
  | { type: "bundle_finished"; now: number; uuid: string; state: BundleState }
  /** Killed or deleted before it finished. */
  | { type: "run_withdrawn"; now: number; uuid: string }
  | { type: "quota_changed"; now: number; user_id: string; parallel_run_quota: number }
  | { type: "groups_changed"; now: number; user_id: string; groups: string[] }
  | { type: "alarm_fired"; now: number };

export type StagedStatusUpdate = { uuid: string; staged_status: string };

export type SchedulerEffect =
  /** Look at these bundles' parents and answer with dependencies_ready / dependencies_failed. */
  | { type: "check_dependencies"; uuids: string[] }
  /** Stage and make this make bundle (server-side, no worker). */
  | { type: "start_make"; uuid: string }
  /** Apply this state-machine event to the bundle. */
  | { type: "transition"; uuid: string; event: MachineEvent }
  /** Build the `assign` command from the bundle and queue it on the worker's session. */
  | { type: "deliver_assignment"; uuid: string; worker_id: string }
  /** Tell the worker's session the run was taken back (`assignment_revoked`). */
  | { type: "revoke_assignment"; uuid: string; worker_id: string }
  /** Queue a `reconcile` command on the worker's session. */
  | { type: "reconcile"; worker_id: string; keep: string[]; kill: string[] }
  | { type: "set_staged_status"; statuses: StagedStatusUpdate[] }
  | { type: "set_alarm"; at: number };

export type SchedulerResult = { state: SchedulerState; effects: SchedulerEffect[] };

export function initialSchedulerState(): SchedulerState {
  return {
    version: 1,
    waiting: {},
    staged: {},
    placed: {},
    offline: {},
    workers: {},
    users: {},
    alarm_at: null,
    status_flushed_at: 0,
    statuses_stale: false,
  };
}

/** A worker as the scheduler sees it, from the runner's hello and the worker's row. */
export function schedulerWorkerFrom(
  info: WorkerInfo,
  row: { worker_id: string; owner_id: string; group_id: string | null; shared_pool: boolean },
): SchedulerWorker {
  return {
    ...row,
    tag: info.tag,
    tag_exclusive: info.tag_exclusive,
    cpus: info.capacity.cpus,
    gpus: info.capacity.gpus,
    memory_bytes: info.capacity.memory_bytes,
    free_disk_bytes: info.capacity.free_disk_bytes,
    runs_left: info.max_runs,
    is_terminating: info.is_terminating,
    preemptible: info.preemptible,
    cached_dependencies: info.cached_dependencies,
  };
}

function seconds(now: number): number {
  return Math.floor(now / 1000);
}

type RecordName = "waiting" | "staged" | "placed" | "offline" | "workers" | "users";

class Step {
  state: SchedulerState;
  readonly effects: SchedulerEffect[] = [];
  readonly config: SchedulerConfig;
  /** Something happened that may let a run be placed. */
  dirty = false;
  private checks: Extract<SchedulerEffect, { type: "check_dependencies" }> | null = null;
  private readonly owned = new Set<RecordName>();
  private checked = new Set<string>();

  constructor(state: SchedulerState, config: SchedulerConfig) {
    this.state = { ...state };
    this.config = config;
  }

  emit(effect: SchedulerEffect): void {
    // One dependency check per step: the adapter answers a list with a few queries, not one each.
    if (effect.type === "check_dependencies") {
      if (this.checks === null) {
        this.checks = { type: "check_dependencies", uuids: [] };
        this.checked = new Set();
        this.effects.push(this.checks);
      }
      for (const uuid of effect.uuids) {
        if (this.checked.has(uuid)) continue;
        this.checked.add(uuid);
        this.checks.uuids.push(uuid);
      }
      return;
    }
    this.effects.push(effect);
  }

  transition(uuid: string, event: MachineEvent): void {
    this.emit({ type: "transition", uuid, event });
  }

  /**
   * The step's own copy of a record: copied at its first change in the step, changed in place
   * after that, so a step that places ten thousand runs copies each record once, not each time.
   */
  private own<N extends RecordName>(name: N): SchedulerState[N] {
    if (!this.owned.has(name)) {
      this.state[name] = { ...this.state[name] };
      this.owned.add(name);
    }
    return this.state[name];
  }

  put<N extends RecordName>(name: N, key: string, value: SchedulerState[N][string]): void {
    (this.own(name) as Record<string, SchedulerState[N][string]>)[key] = value;
  }

  remove(name: RecordName, key: string): void {
    if (key in this.state[name]) delete this.own(name)[key];
  }

  updateUser(update: UserUpdate | undefined): void {
    if (!update) return;
    const { user_id, ...user } = update;
    this.put("users", user_id, user);
    this.dirty = true;
  }

  stage(run: SchedulerRun): void {
    this.put("staged", run.uuid, { run, status: null, reason: null });
    this.remove("placed", run.uuid);
    this.remove("offline", run.uuid);
    this.dirty = true;
  }

  forget(uuid: string): boolean {
    const s = this.state;
    const known = uuid in s.staged || uuid in s.placed || uuid in s.offline || uuid in s.waiting;
    for (const name of ["staged", "placed", "offline", "waiting"] as const) this.remove(name, uuid);
    return known;
  }
}

function handle(step: Step, event: SchedulerEvent): void {
  const s = step.state;
  const now = event.now;
  switch (event.type) {
    case "bundle_created":
      if (event.uuid in s.staged || event.uuid in s.placed || event.uuid in s.offline) return;
      step.put("waiting", event.uuid, { kind: event.kind, parents: [...event.parent_uuids] });
      step.emit({ type: "check_dependencies", uuids: [event.uuid] });
      return;

    case "dependencies_ready": {
      const known = event.uuid in s.staged || event.uuid in s.placed || event.uuid in s.offline;
      step.remove("waiting", event.uuid);
      if (known) return;
      step.updateUser(event.owner);
      step.transition(event.uuid, { type: "staged" });
      if (event.kind === "make") {
        step.emit({ type: "start_make", uuid: event.uuid });
      } else if (event.run) {
        step.stage(event.run);
      } else {
        step.transition(event.uuid, {
          type: "requirements_refused",
          message: event.refusal ?? "The run's resource requests could not be resolved.",
        });
      }
      return;
    }

    case "dependencies_failed":
      if (!(event.uuid in s.waiting)) return;
      step.remove("waiting", event.uuid);
      step.transition(event.uuid, { type: "staging_failed", message: event.message });
      return;

    case "run_staged":
      step.updateUser(event.owner);
      if (event.run.uuid in s.staged) return;
      step.remove("waiting", event.run.uuid);
      step.stage(event.run);
      return;

    case "worker_connected":
      connectWorker(step, event.worker, event.held, now);
      step.updateUser(event.owner);
      return;

    case "worker_updated":
      if (!(event.worker.worker_id in s.workers)) return;
      step.put("workers", event.worker.worker_id, event.worker);
      step.dirty = true;
      return;

    case "worker_disconnected": {
      const worker = s.workers[event.worker_id];
      if (!worker) return;
      step.remove("workers", event.worker_id);
      for (const placement of Object.values(s.placed)) {
        if (placement.worker_id !== event.worker_id) continue;
        step.transition(placement.run.uuid, { type: "worker_lost", worker_id: event.worker_id, at: seconds(now) });
        if (placement.lease_until !== null || worker.preemptible) {
          step.stage(placement.run);
        } else {
          step.remove("placed", placement.run.uuid);
          step.put("offline", placement.run.uuid, {
            run: placement.run,
            worker_id: event.worker_id,
            deadline: now + step.config.offline_timeout_ms,
          });
        }
      }
      step.dirty = true;
      return;
    }

    case "assignment_acked": {
      const placement = s.placed[event.uuid];
      if (!placement || placement.worker_id !== event.worker_id || placement.lease_until === null) return;
      step.put("placed", event.uuid, { ...placement, lease_until: null });
      return;
    }

    case "assignment_rejected": {
      const placement = s.placed[event.uuid];
      if (!placement || placement.worker_id !== event.worker_id) return;
      const excluded = [...(placement.run.excluded_workers ?? []), event.worker_id];
      step.stage({ ...placement.run, excluded_workers: excluded });
      return;
    }

    case "run_finished":
      if (!(event.uuid in s.placed) && !(event.uuid in s.offline)) return;
      step.remove("placed", event.uuid);
      step.remove("offline", event.uuid);
      step.dirty = true;
      return;

    case "run_restaged": {
      const placement = s.placed[event.uuid];
      if (!placement || placement.worker_id !== event.worker_id) return;
      step.stage(placement.run);
      return;
    }

    case "bundle_finished": {
      if (step.forget(event.uuid)) step.dirty = true;
      const dependents = Object.entries(s.waiting)
        .filter(([, entry]) => entry.parents.includes(event.uuid))
        .map(([uuid]) => uuid);
      if (dependents.length > 0) step.emit({ type: "check_dependencies", uuids: dependents });
      return;
    }

    case "run_withdrawn":
      if (step.forget(event.uuid)) step.dirty = true;
      return;

    case "quota_changed": {
      const user = s.users[event.user_id] ?? { groups: [], parallel_run_quota: 0 };
      step.updateUser({ ...user, user_id: event.user_id, parallel_run_quota: event.parallel_run_quota });
      return;
    }

    case "groups_changed": {
      const user = s.users[event.user_id] ?? { groups: [], parallel_run_quota: 0 };
      step.updateUser({ ...user, user_id: event.user_id, groups: [...event.groups] });
      return;
    }

    case "alarm_fired":
      s.alarm_at = null;
      expireDeadlines(step, now);
      return;
  }
}

function connectWorker(step: Step, worker: SchedulerWorker, held: readonly HeldRun[], now: number): void {
  const s = step.state;
  const id = worker.worker_id;
  step.put("workers", id, worker);
  step.dirty = true;
  const holds = new Set(held.map((run) => run.uuid));
  const keep: string[] = [];
  const kill: string[] = [];
  for (const uuid of holds) {
    const placement = s.placed[uuid];
    const offline = s.offline[uuid];
    if (placement?.worker_id === id) {
      keep.push(uuid);
      // Holding it is accepting it: the lease is over.
      if (placement.lease_until !== null) step.put("placed", uuid, { ...placement, lease_until: null });
    } else if (offline?.worker_id === id) {
      keep.push(uuid);
      step.remove("offline", uuid);
      step.put("placed", uuid, { run: offline.run, worker_id: id, lease_until: null });
    } else {
      kill.push(uuid);
    }
  }
  // Acknowledged runs the worker no longer holds were lost with its state: run them again.
  for (const placement of Object.values(s.placed)) {
    if (placement.worker_id !== id || placement.lease_until !== null || holds.has(placement.run.uuid)) continue;
    step.transition(placement.run.uuid, { type: "worker_restaged", worker_id: id, at: seconds(now) });
    step.stage(placement.run);
  }
  if (held.length > 0) step.emit({ type: "reconcile", worker_id: id, keep, kill });
}

function expireDeadlines(step: Step, now: number): void {
  const s = step.state;
  const config = step.config;
  for (const placement of Object.values(s.placed)) {
    if (placement.lease_until === null || placement.lease_until > now) continue;
    step.transition(placement.run.uuid, { type: "assignment_expired", at: seconds(now) });
    step.emit({ type: "revoke_assignment", uuid: placement.run.uuid, worker_id: placement.worker_id });
    step.stage(placement.run);
  }
  for (const entry of Object.values(s.offline)) {
    if (entry.deadline > now) continue;
    step.transition(entry.run.uuid, {
      type: "offline_timeout",
      at: seconds(now),
      action: config.offline_action,
      after_seconds: config.offline_timeout_ms / 1000,
    });
    if (config.offline_action === "restage") step.stage(entry.run);
    else step.remove("offline", entry.run.uuid);
  }
  step.dirty = true;
}

function policyInput(state: SchedulerState) {
  const used = new Map<string, { cpus: number; gpus: number; memory_bytes: number; running: number }>();
  const parallel = new Map<string, number>();
  for (const placement of Object.values(state.placed)) {
    const worker = state.workers[placement.worker_id];
    if (!worker) continue;
    const need = placement.run.requirements;
    const total = used.get(worker.worker_id) ?? { cpus: 0, gpus: 0, memory_bytes: 0, running: 0 };
    total.cpus += need.cpus;
    total.gpus += need.gpus;
    total.memory_bytes += need.memory;
    total.running += 1;
    used.set(worker.worker_id, total);
    if (worker.shared_pool && worker.owner_id !== placement.run.owner_id) {
      parallel.set(placement.run.owner_id, (parallel.get(placement.run.owner_id) ?? 0) + 1);
    }
  }
  const workers: PolicyWorker[] = Object.values(state.workers).map((worker) => {
    const total = used.get(worker.worker_id) ?? { cpus: 0, gpus: 0, memory_bytes: 0, running: 0 };
    return {
      ...worker,
      used: { cpus: total.cpus, gpus: total.gpus, memory_bytes: total.memory_bytes },
      running: total.running,
    };
  });
  const users: Record<string, PolicyUser> = {};
  for (const [id, user] of Object.entries(state.users)) {
    users[id] = { ...user, parallel_runs_used: parallel.get(id) ?? 0 };
  }
  return { runs: Object.values(state.staged).map((entry) => entry.run), workers, users };
}

function place(step: Step, now: number): void {
  const s = step.state;
  const config = step.config;
  if (Object.keys(s.staged).length === 0) {
    s.statuses_stale = false;
    return;
  }
  const result = scheduleRuns(policyInput(s));
  for (const { uuid, worker_id } of result.assignments) {
    const entry = s.staged[uuid];
    if (!entry) continue;
    step.remove("staged", uuid);
    step.put("placed", uuid, { run: entry.run, worker_id, lease_until: now + config.assignment_lease_ms });
    step.transition(uuid, { type: "assigned", worker_id, at: seconds(now) });
    step.emit({ type: "deliver_assignment", uuid, worker_id });
  }

  const refreshDue = now >= s.status_flushed_at + statusRefreshMs(s, config);
  const updates: StagedStatusUpdate[] = [];
  let stale = false;
  for (const waiting of result.waiting) {
    const entry = s.staged[waiting.uuid];
    if (!entry || entry.status === waiting.staged_status) continue;
    // A new reason is news and goes out at once; a moved queue count waits for the refresh.
    const news = entry.status === null || entry.reason !== waiting.reason;
    if (!news && !refreshDue) {
      stale = true;
      continue;
    }
    step.put("staged", waiting.uuid, { ...entry, status: waiting.staged_status, reason: waiting.reason });
    updates.push({ uuid: waiting.uuid, staged_status: waiting.staged_status });
  }
  if (refreshDue && updates.length > 0) s.status_flushed_at = now;
  s.statuses_stale = stale;
  if (updates.length > 0) step.emit({ type: "set_staged_status", statuses: updates });
}

function nextDeadline(state: SchedulerState, config: SchedulerConfig): number | null {
  let next = Number.POSITIVE_INFINITY;
  for (const placement of Object.values(state.placed)) {
    if (placement.lease_until !== null) next = Math.min(next, placement.lease_until);
  }
  for (const entry of Object.values(state.offline)) next = Math.min(next, entry.deadline);
  if (state.statuses_stale) next = Math.min(next, state.status_flushed_at + statusRefreshMs(state, config));
  return Number.isFinite(next) ? next : null;
}

/** One step of the Scheduler: the next state and the effects to perform, in order. */
export function reduceScheduler(
  state: SchedulerState,
  event: SchedulerEvent,
  config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG,
): SchedulerResult {
  return reduceSchedulerBatch(state, [event], config);
}

/**
 * Several events, one placement pass: placement costs O(staged runs × workers), so an adapter
 * that finds several events waiting (a burst of finishes) should hand them over together.
 */
export function reduceSchedulerBatch(
  state: SchedulerState,
  events: readonly SchedulerEvent[],
  config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG,
): SchedulerResult {
  const step = new Step(state, config);
  let now = 0;
  for (const event of events) {
    handle(step, event);
    now = Math.max(now, event.now);
  }
  if (step.dirty) place(step, now);
  const next = nextDeadline(step.state, config);
  // Arm the alarm only when it must fire earlier; a later deadline is found when an early alarm fires.
  if (next !== null && (step.state.alarm_at === null || next < step.state.alarm_at)) {
    step.state.alarm_at = next;
    step.emit({ type: "set_alarm", at: next });
  }
  return { state: step.state, effects: step.effects };
}
