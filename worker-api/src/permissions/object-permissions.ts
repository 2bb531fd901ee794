/**
 * Effective permissions of many bundles or worksheets at once: their group rows are loaded in
 * chunks (D1's parameter limit) and each object is decided by core's `effectivePermission`.
 */
import {
  effectivePermission,
  type GroupPermissionRow,
  type PermissionCaller,
  type PermissionLevel,
  permissionFromRank,
} from "@codalab/core";
import { eq, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { groupBundlePermissions, groups, groupWorksheetPermissions } from "../db/schema.ts";
import { PUBLIC_GROUP_UUID } from "../ids.ts";

export type OwnedObject = { uuid: string; ownerId: string | null };
export type ObjectKind = "bundle" | "worksheet";

type StoredRow = { objectUuid: string; groupUuid: string; permission: number };

async function loadRows(db: Db, kind: ObjectKind, uuids: readonly string[]): Promise<Map<string, StoredRow[]>> {
  const rows = await queryInChunks(uuids, (chunk) =>
    kind === "bundle"
      ? db
          .select({
            objectUuid: groupBundlePermissions.bundleUuid,
            groupUuid: groupBundlePermissions.groupUuid,
            permission: groupBundlePermissions.permission,
          })
          .from(groupBundlePermissions)
          .where(inArray(groupBundlePermissions.bundleUuid, chunk))
      : db
          .select({
            objectUuid: groupWorksheetPermissions.worksheetUuid,
            groupUuid: groupWorksheetPermissions.groupUuid,
            permission: groupWorksheetPermissions.permission,
          })
          .from(groupWorksheetPermissions)
          .where(inArray(groupWorksheetPermissions.worksheetUuid, chunk)),
  );
  const byObject = new Map<string, StoredRow[]>();
  for (const row of rows) {
    const list = byObject.get(row.objectUuid);
    if (list === undefined) byObject.set(row.objectUuid, [row]);
    else list.push(row);
  }
  return byObject;
}

/** The caller's level on each object. Admins and owners never need the rows. */
export async function loadPermissions(
  db: Db,
  caller: PermissionCaller,
  kind: ObjectKind,
  objects: readonly OwnedObject[],
): Promise<Map<string, PermissionLevel>> {
  const levels = new Map<string, PermissionLevel>();
  const undecided: OwnedObject[] = [];
  for (const object of objects) {
    if (caller.kind === "user" && (caller.isAdmin || object.ownerId === caller.userId)) levels.set(object.uuid, "all");
    else undecided.push(object);
  }
  if (undecided.length === 0) return levels;
  const rows = await loadRows(
    db,
    kind,
    undecided.map((object) => object.uuid),
  );
  for (const object of undecided) {
    const groupPermissions: GroupPermissionRow[] = rows.get(object.uuid) ?? [];
    levels.set(
      object.uuid,
      effectivePermission(caller, { ownerId: object.ownerId, groupPermissions }, PUBLIC_GROUP_UUID),
    );
  }
  return levels;
}

export type NamedGroupPermission = { group_uuid: string; group_name: string; permission: PermissionLevel };

/** Group rows of each object with the groups' names, for `include=group_permissions`. */
export async function loadGroupPermissions(
  db: Db,
  kind: ObjectKind,
  uuids: readonly string[],
): Promise<Map<string, NamedGroupPermission[]>> {
  const table = kind === "bundle" ? groupBundlePermissions : groupWorksheetPermissions;
  const objectColumn = kind === "bundle" ? groupBundlePermissions.bundleUuid : groupWorksheetPermissions.worksheetUuid;
  const rows = await queryInChunks(uuids, (chunk) =>
    db
      .select({
        objectUuid: objectColumn,
        groupUuid: table.groupUuid,
        groupName: groups.name,
        permission: table.permission,
      })
      .from(table)
      .innerJoin(groups, eq(groups.uuid, table.groupUuid))
      .where(inArray(objectColumn, chunk)),
  );
  const out = new Map<string, NamedGroupPermission[]>();
  for (const row of rows) {
    const level = permissionFromRank(row.permission);
    if (level === "none") continue;
    const entry = { group_uuid: row.groupUuid, group_name: row.groupName, permission: level };
    const list = out.get(row.objectUuid);
    if (list === undefined) out.set(row.objectUuid, [entry]);
    else list.push(entry);
  }
  for (const list of out.values()) list.sort((a, b) => a.group_name.localeCompare(b.group_name));
  return out;
}
