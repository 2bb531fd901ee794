/**
 * SQL conditions that keep queries (search, spec resolution, listings) to what the caller may
 * read, the same rule as core's `effectivePermission` expressed over the permission tables:
 * owner, a `public` row, or a row of one of the caller's groups with at least read; admins see
 * everything. Group memberships are a subquery, so the condition binds at most three parameters.
 */
import type { PermissionCaller } from "@codalab/core";
import { type SQL, sql } from "drizzle-orm";
import { bundles, worksheets } from "../db/schema.ts";
import { PUBLIC_GROUP_UUID } from "../ids.ts";

const READ = 1;

function sharedWithCaller(caller: PermissionCaller, groupColumn: SQL): SQL {
  if (caller.kind !== "user") return sql`${groupColumn} = ${PUBLIC_GROUP_UUID}`;
  return sql`(${groupColumn} = ${PUBLIC_GROUP_UUID} or ${groupColumn} in (select ug.group_uuid from user_groups ug where ug.user_id = ${caller.userId}))`;
}

/** Null when the caller may read every bundle (admin). */
export function readableBundleCondition(caller: PermissionCaller): SQL | null {
  if (caller.kind === "user" && caller.isAdmin) return null;
  const shared = sql`exists (select 1 from group_bundle_permissions gbp where gbp.bundle_uuid = ${bundles.uuid} and gbp.permission >= ${READ} and ${sharedWithCaller(caller, sql`gbp.group_uuid`)})`;
  if (caller.kind !== "user") return shared;
  return sql`(${bundles.ownerId} = ${caller.userId} or ${shared})`;
}

export function readableWorksheetCondition(caller: PermissionCaller): SQL | null {
  if (caller.kind === "user" && caller.isAdmin) return null;
  const shared = sql`exists (select 1 from group_worksheet_permissions gwp where gwp.worksheet_uuid = ${worksheets.uuid} and gwp.permission >= ${READ} and ${sharedWithCaller(caller, sql`gwp.group_uuid`)})`;
  if (caller.kind !== "user") return shared;
  return sql`(${worksheets.ownerId} = ${caller.userId} or ${shared})`;
}
