/**
 * Writing group permission rows (spec §6): `none` deletes the group's row, `read`/`all` insert or
 * replace it. The objects travel as one JSON array parameter, so any number fits in a statement.
 */
import { type PermissionLevel, permissionRank } from "@codalab/core";
import { type SQL, sql } from "drizzle-orm";
import type { ObjectKind } from "./object-permissions.ts";

const TABLES: Record<ObjectKind, { table: SQL; column: SQL }> = {
  bundle: { table: sql.raw("group_bundle_permissions"), column: sql.raw("bundle_uuid") },
  worksheet: { table: sql.raw("group_worksheet_permissions"), column: sql.raw("worksheet_uuid") },
};

export function setGroupPermissionStatement(
  kind: ObjectKind,
  objectUuids: readonly string[],
  groupUuid: string,
  level: PermissionLevel,
): SQL {
  const { table, column } = TABLES[kind];
  const objects = sql`(select value from json_each(${JSON.stringify(objectUuids)}))`;
  if (level === "none") return sql`delete from ${table} where group_uuid = ${groupUuid} and ${column} in ${objects}`;
  return sql`insert into ${table} (group_uuid, ${column}, permission)
    select ${groupUuid}, value, ${permissionRank(level)} from json_each(${JSON.stringify(objectUuids)}) where true
    on conflict (${column}, group_uuid) do update set permission = excluded.permission`;
}
