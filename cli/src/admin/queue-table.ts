/** `cl queue`: the waiting and the active runs as CodaLab-style tables, oldest first. */
import type { QueueEntry } from "@codalab/core/api/admin";
import { formatDuration } from "@codalab/core/format/duration";
import { formatSize } from "@codalab/core/format/size";

export const WAITING_COLUMNS = ["uuid", "name", "owner", "state", "age", "queue", "cpus", "gpus", "memory", "why"];
export const ACTIVE_COLUMNS = ["uuid", "name", "owner", "state", "age", "worker"];

const orNone = (value: string | number | null, format: (value: number) => string = String) =>
  value === null ? "" : typeof value === "number" ? format(value) : value;

export function queueRows(entries: readonly QueueEntry[], nowSeconds: number): Record<string, string>[] {
  return entries.map((entry) => ({
    uuid: entry.uuid.slice(0, 10),
    name: entry.name,
    owner: entry.owner_name ?? "",
    state: entry.state,
    age: formatDuration(Math.max(0, nowSeconds - entry.created)),
    queue: orNone(entry.request_queue),
    cpus: orNone(entry.request_cpus),
    gpus: orNone(entry.request_gpus),
    memory: orNone(entry.request_memory, formatSize),
    why: entry.staged_status ?? "",
    worker: entry.worker_name ?? entry.worker_id ?? "",
  }));
}
