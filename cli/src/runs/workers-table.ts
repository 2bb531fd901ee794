/**
 * `cl workers` as CodaLab prints it: one row per worker, sorted by id, with resources in use out
 * of the total, sizes and durations in CodaLab's units and run uuids cut to 8 characters. On a
 * shared-pool worker a user sees only their own runs; the others are counted (`+2 others`).
 */
import { formatDuration } from "@codalab/core/format/duration";
import { formatSize } from "@codalab/core/format/size";
import type { WireWorker } from "../api/worker-wire.ts";
import { pythonStr } from "../bundles/info-lines.ts";

export const WORKER_COLUMNS = [
  "worker_id",
  "cpus",
  "gpus",
  "memory",
  "free_disk",
  "last_checkin",
  "connected",
  "group",
  "tag",
  "runs",
  "tag_exclusive",
  "exit_after_num_runs",
  "is_terminating",
] as const;

/** Columns to print: `owner` joins them when the list holds several owners' workers (admins see all). */
export function workerColumns(workers: readonly WireWorker[]): string[] {
  const owners = new Set(workers.map((worker) => worker.owner_name));
  return owners.size > 1 ? ["worker_id", "owner", ...WORKER_COLUMNS.slice(1)] : [...WORKER_COLUMNS];
}

export function workerRows(workers: readonly WireWorker[], nowSeconds: number): Record<string, string>[] {
  return [...workers]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((worker) => ({
      worker_id: worker.name,
      owner: pythonStr(worker.owner_name),
      cpus: `${worker.cpus_used}/${worker.cpus}`,
      gpus: `${worker.gpus_used}/${worker.gpus}`,
      memory: formatSize(worker.memory_bytes),
      free_disk: formatSize(worker.free_disk_bytes),
      last_checkin:
        worker.last_checkin === null ? "never" : `${formatDuration(Math.max(0, nowSeconds - worker.last_checkin))} ago`,
      connected: pythonStr(worker.connected),
      group: pythonStr(worker.group_uuid),
      tag: pythonStr(worker.tag),
      runs: runsCell(worker),
      tag_exclusive: pythonStr(worker.tag_exclusive),
      exit_after_num_runs: pythonStr(worker.max_runs),
      is_terminating: pythonStr(worker.is_terminating),
    }));
}

function runsCell(worker: WireWorker): string {
  const cells = worker.runs.map((uuid) => uuid.slice(0, 8));
  const others = worker.run_count - worker.runs.length;
  if (others > 0) cells.push(`+${others} other${others === 1 ? "" : "s"}`);
  return cells.join(",");
}
