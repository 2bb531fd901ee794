/**
 * A new bundle's host worksheet (spec §6): the bundle is appended to it, copies its group
 * permissions (a snapshot, not inheritance) and its anonymity. The caller needs `all` on it.
 */
import { type PermissionCaller, type PermissionLevel, requireNotFrozen } from "@codalab/core";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { requireWorksheetAccess, type WorksheetRow } from "../worksheets/worksheet-access.ts";

/** The worksheet, if it exists (404) and the caller has `needed` on it (403). */
export async function requireWorksheet(
  db: Db,
  caller: PermissionCaller,
  uuid: string,
  needed: PermissionLevel,
): Promise<WorksheetRow> {
  return (await requireWorksheetAccess(db, caller, uuid, needed)).row;
}

export async function requireHostWorksheet(db: Db, caller: PermissionCaller, uuid: string): Promise<WorksheetRow> {
  const worksheet = await requireWorksheet(db, caller, uuid, "all");
  requireNotFrozen("worksheet", uuid, worksheet.frozen, "add bundles to it");
  return worksheet;
}

/**
 * Where a new bundle goes when the client names no worksheet. Today: nowhere (detached, owner
 * only). Uploads will default to the caller's home worksheet once worksheets exist; this is the
 * one place to change.
 */
export function defaultHostWorksheet(requested: string | undefined): string | null {
  return requested ?? null;
}

/** Statements that put `bundleUuid` at the end of the worksheet and copy its permissions. */
export function hostStatements(worksheetUuid: string, bundleUuid: string): SQL[] {
  return [
    sql`insert into group_bundle_permissions (group_uuid, bundle_uuid, permission)
      select group_uuid, ${bundleUuid}, permission from group_worksheet_permissions
      where worksheet_uuid = ${worksheetUuid} and permission > 0`,
    sql`insert into worksheet_items (worksheet_uuid, type, bundle_uuid, value, sort_key)
      select ${worksheetUuid}, 'bundle', ${bundleUuid}, '', coalesce(max(sort_key), 0) + 1
      from worksheet_items where worksheet_uuid = ${worksheetUuid}`,
    sql`update worksheets set version = version + 1, date_last_modified = unixepoch()
      where uuid = ${worksheetUuid}`,
  ];
}
