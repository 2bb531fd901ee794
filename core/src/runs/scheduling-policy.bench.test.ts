import { describe, expect, it } from "vitest";
import { type PolicyRun, type PolicyUser, type PolicyWorker, scheduleRuns } from "./scheduling-policy.ts";

/** A small deterministic generator so the benchmark is the same on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function fixture(runCount: number, workerCount: number) {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const GiB = 1024 ** 3;
  const users: Record<string, PolicyUser> = {};
  for (let u = 0; u < 500; u++) {
    users[`user${u}`] = {
      groups: u % 10 === 0 ? ["lab"] : [],
      parallel_run_quota: u % 50 === 0 ? 1000 : 3,
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
    const gpus = next() < 0.05 ? pick([1, 2, 4]) : 0;
    runs.push({
      uuid: `0x${(r + 1).toString(16).padStart(32, "a")}`,
      owner_id: `user${Math.floor(next() * 500)}`,
      order: r,
      requirements: {
        cpus: pick([1, 1, 1, 2, 4]),
        gpus,
        memory: pick([2, 2, 4, 8]) * GiB,
        disk: 10 * GiB,
        disk_requested: next() < 0.1,
        queue: next() < 0.05 ? "big" : null,
        priority: next() < 0.2 ? pick([-1, 0, 1, 5]) : null,
      },
      dependency_keys: Array.from({ length: 2 }, () => pick(parents)),
      group_permissions: next() < 0.1 ? { lab: "read" } : {},
    });
  }
  return { runs, workers, users };
}

describe("scheduling policy timing (reported, not asserted)", () => {
  it("places 10 000 staged runs on 200 workers and reports how long it took", () => {
    const input = fixture(10_000, 200);
    scheduleRuns(input); // warm-up: let the JIT settle before measuring
    const times: number[] = [];
    let result = scheduleRuns(input);
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      result = scheduleRuns(input);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.info(
      `scheduleRuns 10 000 runs × 200 workers: median ${times[2]?.toFixed(1)} ms (min ${times[0]?.toFixed(1)}, max ${times[4]?.toFixed(1)}); ${result.assignments.length} assigned, ${result.waiting.length} waiting`,
    );
    expect(result.assignments.length + result.waiting.length).toBe(10_000);
  });
});
