/**
 * Loading bundles for a caller: the rows, and the caller's level on each, decided by the one
 * permission function. Direct access to a bundle the caller cannot read is 403 (as CodaLab);
 * a bundle that does not exist is 404.
 */
import {
  CodalabError,
  type PermissionCaller,
  type PermissionLevel,
  type PermissionObjectKind,
  requirePermission,
} from "@codalab/core";
import { inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundles } from "../db/schema.ts";
import { loadPermissions } from "../permissions/object-permissions.ts";
import type { BundleRow } from "./bundle-fields.ts";

export type BundleAccess = { row: BundleRow; level: PermissionLevel };

const BUNDLE: PermissionObjectKind = "bundle";

export async function fetchBundleRows(db: Db, uuids: readonly string[]): Promise<Map<string, BundleRow>> {
  const rows = await queryInChunks(uuids, (chunk) => db.select().from(bundles).where(inArray(bundles.uuid, chunk)));
  return new Map(rows.map((row) => [row.uuid, row]));
}

export function bundleNotFound(uuid: string): CodalabError {
  return new CodalabError("NOT_FOUND", `bundle ${uuid} not found (it may have been deleted)`, { uuid });
}

/** Rows with the caller's level, in the order asked; missing bundles are 404, too little permission 403. */
export async function requireBundles(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
  needed: PermissionLevel,
): Promise<BundleAccess[]> {
  const rows = await fetchBundleRows(db, uuids);
  const levels = await loadPermissions(db, caller, BUNDLE, [...rows.values()]);
  return uuids.map((uuid) => {
    const row = rows.get(uuid);
    if (row === undefined) throw bundleNotFound(uuid);
    const level = levels.get(uuid) ?? "none";
    requirePermission(level, needed, BUNDLE, uuid);
    return { row, level };
  });
}

export async function requireBundle(
  db: Db,
  caller: PermissionCaller,
  uuid: string,
  needed: PermissionLevel,
): Promise<BundleAccess> {
  const [access] = await requireBundles(db, caller, [uuid], needed);
  if (access === undefined) throw bundleNotFound(uuid);
  return access;
}

/** Levels for rows already loaded, without refusing anything (listings filter on them). */
export async function bundleLevels(
  db: Db,
  caller: PermissionCaller,
  rows: readonly { uuid: string; ownerId: string }[],
): Promise<Map<string, PermissionLevel>> {
  return loadPermissions(db, caller, BUNDLE, rows);
}

/**
 * The readable bundles among `uuids`, in that order, skipping any that vanished or are not
 * readable (search results, already restricted in SQL, can race with a deletion).
 */
export async function readableBundles(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<BundleAccess[]> {
  const rows = await fetchBundleRows(db, uuids);
  const levels = await loadPermissions(db, caller, BUNDLE, [...rows.values()]);
  const out: BundleAccess[] = [];
  for (const uuid of uuids) {
    const row = rows.get(uuid);
    const level = levels.get(uuid) ?? "none";
    if (row !== undefined && level !== "none") out.push({ row, level });
  }
  return out;
}
