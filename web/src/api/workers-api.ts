/** Compute workers (core/src/api/runs.ts `WorkerJson`) the signed-in user may use. */
import type { WorkerJson } from "@codalab/core";
import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";

export type Worker = WorkerJson;

export async function listWorkers(): Promise<Worker[]> {
  const body = await http.request("/rest/workers");
  if (!isRecord(body) || !Array.isArray(body.workers)) throw unexpectedResponse(200, "no worker list");
  return body.workers.filter(
    (worker): worker is Worker => isRecord(worker) && typeof worker.id === "string" && Array.isArray(worker.runs),
  );
}
