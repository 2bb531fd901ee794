import { describe, expect, it } from "vitest";
import { assignedRun } from "../testing/fixtures.ts";
import { type AdmissionSituation, admitRun } from "./admission.ts";

const open: AdmissionSituation = {
  draining: false,
  held: 0,
  maxConcurrentRuns: null,
  runsLeft: null,
  cpus: 4,
  memoryBytes: 8 * 2 ** 30,
  freeGpus: [0, 1],
};

function needing(requirements: Record<string, number>) {
  return assignedRun({ requirements });
}

describe("admitRun", () => {
  it("takes a run that fits and hands it free GPUs", () => {
    expect(admitRun(needing({ gpus: 1 }), open)).toEqual({ ok: true, gpus: [0] });
    expect(admitRun(needing({}), { ...open, freeGpus: [] })).toEqual({ ok: true, gpus: [] });
  });

  it.each<[string, Record<string, number>, Partial<AdmissionSituation>, string]>([
    ["while shutting down", {}, { draining: true }, "shutting down"],
    ["after its last run", {}, { runsLeft: 0 }, "--exit-after-num-runs"],
    ["at its concurrency limit", {}, { held: 2, maxConcurrentRuns: 2 }, "--max-concurrent-runs"],
    ["more CPUs than it has", { cpus: 8 }, {}, "needs 8 CPUs; this worker has 4"],
    ["more memory than it offers", { memory: 16 * 2 ** 30 }, {}, "bytes of memory"],
    ["GPUs that are taken", { gpus: 2 }, { freeGpus: [1] }, "needs 2 GPUs; 1 are free"],
  ])("refuses %s", (_, requirements, situation, reason) => {
    const result = admitRun(needing(requirements), { ...open, ...situation });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
