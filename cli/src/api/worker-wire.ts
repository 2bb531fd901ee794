/**
 * Parser for `GET /rest/workers` (core's `WorkerListResponseSchema` is the source of truth),
 * hand-written like the other wire parsers: zod costs ~100 ms per `cl` run. Only the fields
 * `cl workers` shows are checked; `--json` prints the objects as received. `run_count` is new:
 * from an older server it is the number of runs listed.
 */
import type { WorkerJson } from "@codalab/core";
import {
  booleanAt,
  type JsonRecord,
  nullableNumberAt,
  nullableStringAt,
  numberAt,
  recordAt,
  ShapeError,
  stringAt,
} from "../parse/json-fields.ts";

export type WireWorker = Pick<
  WorkerJson,
  | "id"
  | "name"
  | "owner_name"
  | "group_uuid"
  | "tag"
  | "tag_exclusive"
  | "connected"
  | "last_checkin"
  | "cpus"
  | "gpus"
  | "memory_bytes"
  | "free_disk_bytes"
  | "cpus_used"
  | "gpus_used"
  | "max_runs"
  | "is_terminating"
  | "runs"
  | "run_count"
> & { raw: JsonRecord };

export function parseWorkerList(value: unknown): WireWorker[] {
  const list = recordAt(value, "response").workers;
  if (!Array.isArray(list)) throw new ShapeError("response.workers", "a list");
  return list.map((item, index) => parseWorker(item, `response.workers[${index}]`));
}

function parseWorker(value: unknown, path: string): WireWorker {
  const record = recordAt(value, path);
  const runs = record.runs;
  if (!Array.isArray(runs) || !runs.every((run) => typeof run === "string")) {
    throw new ShapeError(`${path}.runs`, "a list of uuids");
  }
  return {
    id: stringAt(record, "id", path),
    name: stringAt(record, "name", path),
    owner_name: nullableStringAt(record, "owner_name", path),
    group_uuid: nullableStringAt(record, "group_uuid", path),
    tag: nullableStringAt(record, "tag", path),
    tag_exclusive: booleanAt(record, "tag_exclusive", path),
    connected: booleanAt(record, "connected", path),
    last_checkin: nullableNumberAt(record, "last_checkin", path),
    cpus: numberAt(record, "cpus", path),
    gpus: numberAt(record, "gpus", path),
    memory_bytes: numberAt(record, "memory_bytes", path),
    free_disk_bytes: numberAt(record, "free_disk_bytes", path),
    cpus_used: numberAt(record, "cpus_used", path),
    gpus_used: numberAt(record, "gpus_used", path),
    max_runs: nullableNumberAt(record, "max_runs", path),
    is_terminating: booleanAt(record, "is_terminating", path),
    runs,
    run_count: record.run_count === undefined ? runs.length : numberAt(record, "run_count", path),
    raw: record,
  };
}
