import { CodalabError } from "@codalab/core";
import type { Context } from "hono";
import type { AppEnv, Caller } from "../env.ts";

export type UserCaller = Extract<Caller, { kind: "user" }>;

/** The signed-in caller, or 401 with a message that says what to do. */
export function requireUser(c: Context<AppEnv>): UserCaller {
  const caller = c.get("caller");
  if (caller.kind !== "user") throw new CodalabError("UNAUTHENTICATED", "you must log in to do this");
  return caller;
}

/** An instance administrator, or 403 (401 first for someone not logged in). */
export function requireAdmin(c: Context<AppEnv>): UserCaller {
  const caller = requireUser(c);
  if (!caller.user.isAdmin) throw new CodalabError("FORBIDDEN", "only instance administrators can do this");
  return caller;
}
