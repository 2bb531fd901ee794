/**
 * Timing of the placement policy and of one Scheduler step at the size the brief names
 * (10 000 staged runs × 200 workers), pure CPU time. Reported by `npm run bench`: wall time on a shared machine is
 * noise-prone, so each figure is the minimum of a few runs after a warm-up.
 */
import {
  initialSchedulerState,
  type PolicyInput,
  type PolicyRun,
  type PolicyUser,
  type PolicyWorker,
  reduceScheduler,
  type SchedulerState,
  scheduleRuns,
} from "@codalab/core";
import type { Figure } from "./measure.ts";

const GiB = 1024 ** 3;

/** A small deterministic generator so the benchmark is the same on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Shape = { quota: (user: number) => number; queue: (next: () => number) => string | null };

function fixture(runCount: number, workerCount: number, shape: Shape): PolicyInput {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const users: Record<string, PolicyUser> = {};
  for (let u = 0; u < 500; u++) {
    users[`user${u}`] = {
      groups: u % 10 === 0 ? ["lab"] : [],
      parallel_run_quota: shape.quota(u),
      parallel_runs_used: 0,
    };
  }
  users.admin = { groups: [], parallel_run_quota: 0, parallel_runs_used: 0, is_admin: true };
  const parents = Array.from({ length: 1000 }, (_, i) => `0x${i.toString(16).padStart(32, "0")}`);
  const workers: PolicyWorker[] = [];
  for (let w = 0; w < workerCount; w++) {
    const gpu = w % 7 === 0;
    const owned = w % 10 === 3;
    workers.push({
      worker_id: `worker${w}`,
      owner_id: owned ? `user${w}` : "admin",
      group_id: w % 20 === 5 ? "lab" : null,
      tag: w % 25 === 1 ? "big" : null,
      tag_exclusive: w % 50 === 1,
      cpus: gpu ? 32 : 16,
      gpus: gpu ? 8 : 0,
      memory_bytes: (gpu ? 128 : 64) * GiB,
      free_disk_bytes: 500 * GiB,
      used: { cpus: 0, gpus: 0, memory_bytes: 0 },
      running: 0,
      runs_left: null,
      is_terminating: false,
      shared_pool: !owned,
      cached_dependencies: Array.from({ length: 50 }, () => pick(parents)),
    });
  }
  const runs: PolicyRun[] = [];
  for (let r = 0; r < runCount; r++) {
    runs.push({
      uuid: `0x${(r + 1).toString(16).padStart(32, "a")}`,
      owner_id: `user${Math.floor(next() * 500)}`,
      order: r,
      requirements: {
        cpus: pick([1, 1, 1, 2, 4]),
        gpus: next() < 0.05 ? pick([1, 2, 4]) : 0,
        memory: pick([2, 2, 4, 8]) * GiB,
        disk: 10 * GiB,
        disk_requested: next() < 0.1,
        queue: shape.queue(next),
        priority: next() < 0.2 ? pick([-1, 0, 1, 5]) : null,
      },
      dependency_keys: Array.from({ length: 2 }, () => pick(parents)),
      group_permissions: next() < 0.1 ? { lab: "read" } : {},
    });
  }
  return { runs, workers, users };
}

function minimumOf(times: number, fn: () => void): number {
  fn(); // warm-up: let the JIT settle before measuring
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const SHAPES: [string, Shape][] = [
  [
    "mixed: most owners capped at 3 parallel runs",
    { quota: (u) => (u % 50 === 0 ? 1000 : 3), queue: (n) => (n() < 0.05 ? "big" : null) },
  ],
  ["saturated: every owner may use the whole pool", { quota: () => 1000, queue: (n) => (n() < 0.05 ? "big" : null) }],
  ["hopeless: every run asks for a queue no worker serves", { quota: () => 3, queue: () => "nowhere" }],
];

/** Placement of 10 000 staged runs on 200 workers, and one Scheduler step, in three workload shapes. */
export function schedulingBench(): Figure[] {
  const figures: Figure[] = [];
  for (const [name, shape] of SHAPES) {
    const input = fixture(10_000, 200, shape);
    const result = scheduleRuns(input);
    const ms = minimumOf(3, () => scheduleRuns(input));
    figures.push({
      name: `scheduleRuns 10 000 runs × 200 workers (${name})`,
      median: ms,
      p90: ms,
      runs: 3,
      unit: "ms",
      note: `minimum of 3; ${result.assignments.length} assigned, ${result.waiting.length} waiting`,
    });
  }
  const input = fixture(10_000, 200, SHAPES[0]?.[1] as Shape);
  let state: SchedulerState = initialSchedulerState();
  for (const worker of input.workers) {
    const { used: _used, running: _running, ...rest } = worker;
    state = {
      ...state,
      workers: {
        ...state.workers,
        [worker.worker_id]: { ...rest, preemptible: false, cached_dependencies: [...worker.cached_dependencies] },
      },
    };
  }
  const users: SchedulerState["users"] = {};
  for (const [id, user] of Object.entries(input.users))
    users[id] = { groups: [...user.groups], parallel_run_quota: user.parallel_run_quota };
  state = { ...state, users };
  const staged: SchedulerState["staged"] = {};
  for (const run of input.runs) staged[run.uuid] = { run, status: null, reason: null };
  state = { ...state, staged };
  // The first step places what fits and writes every status; later steps are the steady state.
  state = reduceScheduler(state, { type: "alarm_fired", now: 1_000 }).state;
  const placed = Object.keys(state.placed);
  let i = 0;
  const ms = minimumOf(3, () => {
    const uuid = placed[i++] as string;
    reduceScheduler(state, { type: "run_finished", now: 2_000, uuid });
  });
  figures.push({
    name: "one Scheduler step (a run finishes) with 10 000 staged runs, 200 workers",
    median: ms,
    p90: ms,
    runs: 3,
    unit: "ms",
    note: `minimum of 3; ${placed.length} placed`,
  });
  return figures;
}
