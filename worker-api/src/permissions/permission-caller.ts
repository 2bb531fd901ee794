/**
 * The caller as the permission function sees it: user id, admin flag and group memberships
 * (loaded once per request; `public` is implied and never stored).
 */
import { ANONYMOUS_CALLER, type PermissionCaller } from "@codalab/core";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { Db } from "../db/client.ts";
import { userGroups } from "../db/schema.ts";
import type { AppEnv, Caller } from "../env.ts";

const loaded = new WeakMap<Caller, Promise<PermissionCaller>>();

export function permissionCaller(c: Context<AppEnv>): Promise<PermissionCaller> {
  const caller = c.get("caller");
  let found = loaded.get(caller);
  if (found === undefined) {
    found = loadPermissionCaller(c.get("db"), caller);
    loaded.set(caller, found);
  }
  return found;
}

export async function loadPermissionCaller(db: Db, caller: Caller): Promise<PermissionCaller> {
  if (caller.kind !== "user") return ANONYMOUS_CALLER;
  const rows = await db
    .select({ groupUuid: userGroups.groupUuid })
    .from(userGroups)
    .where(eq(userGroups.userId, caller.user.id));
  return {
    kind: "user",
    userId: caller.user.id,
    isAdmin: caller.user.isAdmin,
    groupUuids: new Set(rows.map((row) => row.groupUuid)),
  };
}
