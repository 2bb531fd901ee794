import { unexpectedResponse } from "./api-error.ts";
import { isRecord } from "./is-record.ts";

/** The signed-in user as `GET /rest/user` describes them. Times are unix seconds, sizes bytes. */
export type User = {
  id: string;
  user_name: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  affiliation: string | null;
  url: string | null;
  is_admin: boolean;
  date_joined: number | null;
  last_login: number | null;
  /** Seconds of run time allowed on the shared workers. */
  time_quota: number | null;
  time_used: number | null;
  /** Bytes. */
  disk_quota: number | null;
  disk_used: number | null;
  parallel_run_quota: number | null;
};

/** Optional text: blank counts as absent, so the UI has one case to handle. */
function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Parses a user record from the wire; throws ApiError when it lacks an id or a user name. */
export function parseUser(value: unknown): User {
  if (!isRecord(value)) throw unexpectedResponse(200, "no user record");
  const id = typeof value.id === "number" ? String(value.id) : text(value.id);
  const userName = text(value.user_name);
  if (id === null || userName === null) throw unexpectedResponse(200, "a user record without id or user_name");
  return {
    id,
    user_name: userName,
    email: text(value.email),
    first_name: text(value.first_name),
    last_name: text(value.last_name),
    affiliation: text(value.affiliation),
    url: text(value.url),
    is_admin: value.is_admin === true,
    date_joined: count(value.date_joined),
    last_login: count(value.last_login),
    time_quota: count(value.time_quota),
    time_used: count(value.time_used),
    disk_quota: count(value.disk_quota),
    disk_used: count(value.disk_used),
    parallel_run_quota: count(value.parallel_run_quota),
  };
}

/** "Ada Lovelace", or the user name when no names are given. */
export function displayName(user: Pick<User, "user_name" | "first_name" | "last_name">): string {
  const full = [user.first_name, user.last_name].filter((part) => part !== null).join(" ");
  return full === "" ? user.user_name : full;
}

/** One or two letters for an avatar: initials of the names, else the start of the user name. */
export function initials(user: Pick<User, "user_name" | "first_name" | "last_name">): string {
  const fromNames = [user.first_name, user.last_name].map((part) => part?.trim().charAt(0) ?? "").join("");
  const letters = fromNames === "" ? user.user_name.replace(/[^a-zA-Z0-9]/g, "").slice(0, 2) : fromNames;
  return (letters === "" ? user.user_name.slice(0, 1) : letters).toUpperCase();
}
