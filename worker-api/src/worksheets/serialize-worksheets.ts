/**
 * Worksheet rows → the worksheet JSON of the contract (docs/design/worksheets-api.md) for one
 * caller: owner and group permissions hidden on anonymous worksheets without `all`. Tags, owner
 * names and permission rows are loaded for all worksheets at once.
 */
import { canSeeOwnership, type WorksheetJson } from "@codalab/core";
import { inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { users, worksheetTags } from "../db/schema.ts";
import { loadGroupPermissions } from "../permissions/object-permissions.ts";
import type { WorksheetAccess } from "./worksheet-access.ts";

export async function serializeWorksheets(db: Db, accesses: readonly WorksheetAccess[]): Promise<WorksheetJson[]> {
  if (accesses.length === 0) return [];
  const uuids = accesses.map((access) => access.row.uuid);
  const [tagRows, ownerRows, groupPermissions] = await Promise.all([
    queryInChunks(uuids, (chunk) => db.select().from(worksheetTags).where(inArray(worksheetTags.worksheetUuid, chunk))),
    queryInChunks(
      accesses.map((access) => access.row.ownerId),
      (chunk) => db.select({ id: users.id, userName: users.userName }).from(users).where(inArray(users.id, chunk)),
    ),
    loadGroupPermissions(db, "worksheet", uuids),
  ]);
  const tags = new Map<string, string[]>();
  for (const row of tagRows) tags.set(row.worksheetUuid, [...(tags.get(row.worksheetUuid) ?? []), row.tag]);
  const ownerNames = new Map(ownerRows.map((row) => [row.id, row.userName]));
  return accesses.map(({ row, level }) => {
    const visible = canSeeOwnership(level, row.isAnonymous);
    return {
      uuid: row.uuid,
      name: row.name,
      title: row.title,
      owner_id: visible ? row.ownerId : null,
      owner_name: visible ? (ownerNames.get(row.ownerId) ?? null) : null,
      frozen: row.frozen,
      is_anonymous: row.isAnonymous,
      tags: (tags.get(row.uuid) ?? []).sort(),
      date_created: row.dateCreated,
      date_last_modified: row.dateLastModified,
      version: row.version,
      permission: level,
      group_permissions: visible ? (groupPermissions.get(row.uuid) ?? []) : [],
    };
  });
}

export async function serializeWorksheet(db: Db, access: WorksheetAccess): Promise<WorksheetJson> {
  const [json] = await serializeWorksheets(db, [access]);
  if (json === undefined) throw new Error("serializing one worksheet gave nothing");
  return json;
}
