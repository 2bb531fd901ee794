/**
 * Whether this worker takes an assigned run. The server's scheduler already placed it by the
 * capacity we reported; the runner still refuses what it cannot do right now (shutting down, its
 * own run limits, GPUs taken), so the run is re-staged at once instead of failing here.
 */
import type { AssignedRun } from "@codalab/core/runs/protocol";

export type AdmissionSituation = {
  draining: boolean;
  /** Runs held now (any stage before finished). */
  held: number;
  maxConcurrentRuns: number | null;
  /** Runs still to take before exiting; null = no limit. */
  runsLeft: number | null;
  cpus: number;
  memoryBytes: number;
  freeGpus: readonly number[];
};

export type Admission = { ok: true; gpus: number[] } | { ok: false; reason: string };

export function admitRun(run: AssignedRun, situation: AdmissionSituation): Admission {
  const need = run.requirements;
  if (situation.draining) return { ok: false, reason: "the worker is shutting down" };
  if (situation.runsLeft !== null && situation.runsLeft <= 0) {
    return { ok: false, reason: "the worker has taken all the runs it was started for (--exit-after-num-runs)" };
  }
  if (situation.maxConcurrentRuns !== null && situation.held >= situation.maxConcurrentRuns) {
    return { ok: false, reason: `the worker already runs ${situation.held} bundles (--max-concurrent-runs)` };
  }
  if (need.cpus > situation.cpus) {
    return { ok: false, reason: `the run needs ${need.cpus} CPUs; this worker has ${situation.cpus}` };
  }
  if (need.memory > situation.memoryBytes) {
    return {
      ok: false,
      reason: `the run needs ${need.memory} bytes of memory; this worker offers ${situation.memoryBytes}`,
    };
  }
  if (need.gpus > situation.freeGpus.length) {
    return { ok: false, reason: `the run needs ${need.gpus} GPUs; ${situation.freeGpus.length} are free here` };
  }
  return { ok: true, gpus: situation.freeGpus.slice(0, need.gpus) };
}
