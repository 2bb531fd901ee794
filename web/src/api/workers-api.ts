/** Compute workers (core/src/api/runs.ts `WorkerJson`) the signed-in user may use. */
import type { WorkerJson } from "@codalab/core";
import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";

export type Worker = WorkerJson;

export async function listWorkers(): Promise<Worker[]> {
  const body = await http.request("/rest/workers");
  if (!isRecord(body) || !Array.isArray(body.workers)) throw unexpectedResponse(200, "no worker list");
  return body.workers
    .filter(
      (worker): worker is Omit<Worker, "run_count"> & { run_count?: unknown } =>
        isRecord(worker) && typeof worker.id === "string" && Array.isArray(worker.runs),
    )
    .map((worker) => ({
      ...worker,
      // An older server lists every run and does not count them.
      run_count: typeof worker.run_count === "number" ? worker.run_count : worker.runs.length,
    }));
}

/**
 * Runs on the worker the list does not name: on a shared-pool worker you see only your own runs
 * (its other runs are other users'), elsewhere every run is listed.
 */
export function otherRuns(worker: Pick<Worker, "runs" | "run_count">): number {
  return Math.max(0, worker.run_count - worker.runs.length);
}

/** "+2 other runs" after your own, or "3 runs" when none is yours; null when every run is listed. */
export function otherRunsLabel(worker: Pick<Worker, "runs" | "run_count">): string | null {
  const others = otherRuns(worker);
  if (others === 0) return null;
  const runs = others === 1 ? "run" : "runs";
  return worker.runs.length > 0 ? `+${others} other ${runs}` : `${others} ${runs}`;
}
