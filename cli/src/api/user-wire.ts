/**
 * Parsers for the user endpoints' answers (core/src/api/users.ts is the source of truth). A user
 * keeps every field the server sent: which private fields come depends on who asks.
 */
import { type JsonRecord, numberAt, recordAt, stringAt } from "../parse/json-fields.ts";
import { listAt } from "./bundle-wire.ts";

/** A user as the server shows them to the caller: every field the server sent, private ones included. */
export type WireUser = { id: string; user_name: string; fields: JsonRecord };

function parseUser(value: unknown, path: string): WireUser {
  const record = recordAt(value, path);
  return { id: stringAt(record, "id", path), user_name: stringAt(record, "user_name", path), fields: record };
}

/** `{user}`. */
export function parseUserInfoEnvelope(value: unknown): WireUser {
  return parseUser(recordAt(value, "response").user, "response.user");
}

export type UserSearchResult =
  | { kind: "users"; users: WireUser[]; total: number }
  | { kind: "aggregate"; result: unknown };

/** `{users, total}` or, for `.count`, `{result}`. */
export function parseUserSearchResult(value: unknown): UserSearchResult {
  const body = recordAt(value, "response");
  if (Object.hasOwn(body, "result")) return { kind: "aggregate", result: body.result };
  return {
    kind: "users",
    users: listAt(body, "users", "response", parseUser),
    total: numberAt(body, "total", "response"),
  };
}

/** `{deleted: {id, user_name}}` from ufarewell. */
export function parseDeletedUser(value: unknown): { id: string; user_name: string } {
  const deleted = recordAt(recordAt(value, "response").deleted, "response.deleted");
  return {
    id: stringAt(deleted, "id", "response.deleted"),
    user_name: stringAt(deleted, "user_name", "response.deleted"),
  };
}
