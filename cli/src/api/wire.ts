/**
 * Parsers for the server responses the CLI reads (the API's contract, core/src/api). Hand-written
 * rather than core's zod schemas, which cost ~100 ms to load on every `cl` invocation.
 */
import type { SelfUser } from "@codalab/core";
import { CodalabError, isErrorCode } from "../core-light.ts";
import {
  booleanAt,
  isRecord,
  nullableNumberAt,
  nullableStringAt,
  numberAt,
  recordAt,
  ShapeError,
  stringAt,
} from "../parse/json-fields.ts";

export type TokenGrant = {
  access_token: string;
  refresh_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  user: SelfUser;
};

export type VersionInfo = { version: string; api_version: string };

/** Runs a parser, turning a shape mismatch into one clear error naming the endpoint. */
export function parseResponse<T>(what: string, body: unknown, parse: (body: unknown) => T): T {
  try {
    return parse(body);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new CodalabError("INTERNAL", `unexpected response from ${what}: ${error.message}`);
  }
}

export function parseSelfUser(value: unknown, path = "user"): SelfUser {
  const user = recordAt(value, path);
  return {
    id: idAt(user, path),
    user_name: stringAt(user, "user_name", path),
    email: stringAt(user, "email", path),
    first_name: nullableStringAt(user, "first_name", path),
    last_name: nullableStringAt(user, "last_name", path),
    affiliation: nullableStringAt(user, "affiliation", path),
    url: nullableStringAt(user, "url", path),
    is_admin: booleanAt(user, "is_admin", path),
    date_joined: numberAt(user, "date_joined", path),
    last_login: nullableNumberAt(user, "last_login", path),
    time_quota: numberAt(user, "time_quota", path),
    time_used: numberAt(user, "time_used", path),
    disk_quota: numberAt(user, "disk_quota", path),
    disk_used: numberAt(user, "disk_used", path),
    parallel_run_quota: numberAt(user, "parallel_run_quota", path),
  };
}

/** `{user: {...}}` from GET /rest/user. */
export function parseUserEnvelope(value: unknown): SelfUser {
  return parseSelfUser(recordAt(value, "response").user);
}

export function parseTokenGrant(value: unknown): TokenGrant {
  const body = recordAt(value, "response");
  return {
    access_token: stringAt(body, "access_token", "response"),
    refresh_token: stringAt(body, "refresh_token", "response"),
    expires_in: numberAt(body, "expires_in", "response"),
    user: parseSelfUser(body.user, "response.user"),
  };
}

export function parseVersionInfo(value: unknown): VersionInfo {
  const body = recordAt(value, "response");
  return { version: stringAt(body, "version", "response"), api_version: stringAt(body, "api_version", "response") };
}

/** The error envelope `{error: {code, message, requestId}}`, or undefined when the body is not one. */
export function parseErrorBody(value: unknown): CodalabError | undefined {
  if (!isRecord(value) || !isRecord(value.error)) return undefined;
  const { code, message, requestId, details } = value.error;
  if (!isErrorCode(code) || typeof message !== "string") return undefined;
  return new CodalabError(code, message, {
    requestId: typeof requestId === "string" ? requestId : undefined,
    details,
  });
}

function idAt(record: Record<string, unknown>, path: string): string {
  const id = record.id;
  // CodaLab's user ids are strings ("0" for root); accept a number from older servers.
  if (typeof id === "number") return String(id);
  return stringAt(record, "id", path);
}
