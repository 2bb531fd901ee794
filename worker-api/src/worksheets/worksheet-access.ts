/**
 * Loading worksheets for a caller: the rows and the caller's level on each, decided by the one
 * permission function. A worksheet that does not exist is 404; one the caller may not read (or
 * change) is 403, as for bundles.
 */
import { CodalabError, type PermissionCaller, type PermissionLevel, requirePermission } from "@codalab/core";
import { eq, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { worksheets } from "../db/schema.ts";
import { loadPermissions } from "../permissions/object-permissions.ts";

export type WorksheetRow = typeof worksheets.$inferSelect;
export type WorksheetAccess = { row: WorksheetRow; level: PermissionLevel };

export function worksheetNotFound(uuid: string): CodalabError {
  return new CodalabError("NOT_FOUND", `worksheet ${uuid} not found (it may have been deleted)`, { uuid });
}

export async function requireWorksheetAccess(
  db: Db,
  caller: PermissionCaller,
  uuid: string,
  needed: PermissionLevel,
): Promise<WorksheetAccess> {
  const row = await db.query.worksheets.findFirst({ where: eq(worksheets.uuid, uuid) });
  if (row === undefined) throw worksheetNotFound(uuid);
  const level = (await loadPermissions(db, caller, "worksheet", [row])).get(uuid) ?? "none";
  requirePermission(level, needed, "worksheet", uuid);
  return { row, level };
}

/** Rows with the caller's level, in the order asked; a missing one is 404, too little permission 403. */
export async function requireWorksheets(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
  needed: PermissionLevel,
): Promise<WorksheetAccess[]> {
  const rows = await queryInChunks(uuids, (chunk) =>
    db.select().from(worksheets).where(inArray(worksheets.uuid, chunk)),
  );
  const byUuid = new Map(rows.map((row) => [row.uuid, row]));
  const levels = await loadPermissions(db, caller, "worksheet", rows);
  return uuids.map((uuid) => {
    const row = byUuid.get(uuid);
    if (row === undefined) throw worksheetNotFound(uuid);
    const level = levels.get(uuid) ?? "none";
    requirePermission(level, needed, "worksheet", uuid);
    return { row, level };
  });
}

/** The readable worksheets among `uuids`, in that order (search results can race with deletions). */
export async function readableWorksheets(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<WorksheetAccess[]> {
  const rows = await queryInChunks(uuids, (chunk) =>
    db.select().from(worksheets).where(inArray(worksheets.uuid, chunk)),
  );
  const byUuid = new Map(rows.map((row) => [row.uuid, row]));
  const levels = await loadPermissions(db, caller, "worksheet", rows);
  return uuids.flatMap((uuid) => {
    const row = byUuid.get(uuid);
    const level = levels.get(uuid) ?? "none";
    return row === undefined || level === "none" ? [] : [{ row, level }];
  });
}
