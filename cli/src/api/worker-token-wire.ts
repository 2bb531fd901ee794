/**
 * Parsers for the worker-token endpoints (core's `WorkerTokenJsonSchema` is the source of truth),
 * hand-written like the other wire parsers: zod costs ~100 ms per `cl` run.
 */
import type { CreatedWorkerToken, WorkerTokenJson } from "@codalab/core";
import { type JsonRecord, nullableNumberAt, numberAt, recordAt, ShapeError, stringAt } from "../parse/json-fields.ts";

function tokenAt(record: JsonRecord, path: string): WorkerTokenJson {
  return {
    id: stringAt(record, "id", path),
    worker_id: stringAt(record, "worker_id", path),
    worker_name: stringAt(record, "worker_name", path),
    created_at: numberAt(record, "created_at", path),
    revoked_at: nullableNumberAt(record, "revoked_at", path),
  };
}

export function parseWorkerToken(value: unknown): WorkerTokenJson {
  return tokenAt(recordAt(value, "response"), "response");
}

export function parseCreatedWorkerToken(value: unknown): CreatedWorkerToken {
  const record = recordAt(value, "response");
  return { ...tokenAt(record, "response"), token: stringAt(record, "token", "response") };
}

export function parseWorkerTokenList(value: unknown): WorkerTokenJson[] {
  const list = recordAt(value, "response").tokens;
  if (!Array.isArray(list)) throw new ShapeError("response.tokens", "a list");
  return list.map((entry, index) => tokenAt(recordAt(entry, `tokens[${index}]`), `tokens[${index}]`));
}
