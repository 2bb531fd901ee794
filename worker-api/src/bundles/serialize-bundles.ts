/**
 * Bundle rows → the bundle JSON of the contract, for one caller: owner and group permissions
 * masked on anonymous bundles without `all`, dependency parents named only when readable, and
 * children / host worksheets restricted to what the caller may read. Related rows are loaded
 * for all bundles at once, in chunks.
 */
import {
  type BundleDependencyJson,
  type BundleInclude,
  type BundleJson,
  canSeeOwnership,
  type MetadataValue,
  type PermissionCaller,
} from "@codalab/core";
import { and, eq, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies, bundles, users, worksheetItems, worksheets } from "../db/schema.ts";
import { loadGroupPermissions, loadPermissions } from "../permissions/object-permissions.ts";
import type { BundleAccess } from "./bundle-access.ts";
import { BUNDLE_FIELDS, type BundleRow, HIDDEN_WHEN_ANONYMOUS_JSON_KEYS } from "./bundle-fields.ts";

type Related = {
  ownerNames: Map<string, string>;
  dependencies: Map<string, BundleDependencyJson[]>;
  groupPermissions?: Map<string, BundleJson["group_permissions"]>;
  children?: Map<string, { uuid: string; name: string }[]>;
  hostWorksheets?: Map<string, { uuid: string; name: string }[]>;
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export async function serializeBundles(
  db: Db,
  caller: PermissionCaller,
  accesses: readonly BundleAccess[],
  include: ReadonlySet<BundleInclude> = new Set(),
): Promise<BundleJson[]> {
  if (accesses.length === 0) return [];
  const uuids = accesses.map((access) => access.row.uuid);
  const [ownerNames, dependencies, groupPermissions, children, hostWorksheets] = await Promise.all([
    loadOwnerNames(db, accesses),
    loadDependencies(db, caller, uuids),
    include.has("group_permissions") ? loadGroupPermissions(db, "bundle", uuids) : undefined,
    include.has("children") ? loadChildren(db, caller, uuids) : undefined,
    include.has("host_worksheets") ? loadHostWorksheets(db, caller, uuids) : undefined,
  ]);
  const related: Related = { ownerNames, dependencies, groupPermissions, children, hostWorksheets };
  const isAdmin = caller.kind === "user" && caller.isAdmin;
  return accesses.map((access) => toBundleJson(access, related, include, isAdmin));
}

export async function serializeBundle(
  db: Db,
  caller: PermissionCaller,
  access: BundleAccess,
  include?: ReadonlySet<BundleInclude>,
): Promise<BundleJson> {
  const [json] = await serializeBundles(db, caller, [access], include);
  if (json === undefined) throw new Error("serializing one bundle gave nothing");
  return json;
}

function toBundleJson(
  { row, level }: BundleAccess,
  related: Related,
  include: ReadonlySet<BundleInclude>,
  isAdmin: boolean,
): BundleJson {
  const visible = canSeeOwnership(level, row.isAnonymous);
  const json: BundleJson = {
    uuid: row.uuid,
    bundle_type: row.bundleType,
    state: row.state,
    command: row.command,
    owner_id: visible ? row.ownerId : null,
    owner_name: visible ? (related.ownerNames.get(row.ownerId) ?? null) : null,
    frozen: row.frozen,
    is_anonymous: row.isAnonymous,
    is_dir: row.isDir,
    created: row.created,
    data_size: row.dataSize,
    metadata: bundleMetadata(row, visible, isAdmin),
    dependencies: related.dependencies.get(row.uuid) ?? [],
    permission: level,
    state_details: stateDetails(row),
  };
  if (include.has("group_permissions"))
    json.group_permissions = visible ? (related.groupPermissions?.get(row.uuid) ?? []) : [];
  if (include.has("children")) json.children = related.children?.get(row.uuid) ?? [];
  if (include.has("host_worksheets")) json.host_worksheets = related.hostWorksheets?.get(row.uuid) ?? [];
  return json;
}

/** Every metadata field of the bundle's type plus its custom keys. */
export function bundleMetadata(
  row: BundleRow,
  ownershipVisible: boolean,
  isAdmin: boolean,
): Record<string, MetadataValue> {
  const metadata: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(row.metadata)) {
    if (!ownershipVisible && HIDDEN_WHEN_ANONYMOUS_JSON_KEYS.has(key)) continue;
    metadata[key] = toMetadataValue(value);
  }
  for (const field of BUNDLE_FIELDS) {
    if (!field.types.includes(row.bundleType)) continue;
    if (field.adminOnly && !isAdmin) continue;
    if (field.hideWhenAnonymous && !ownershipVisible) continue;
    metadata[field.key] = toMetadataValue(row[field.property]);
  }
  // Why a bundle waited means nothing once it stopped waiting (rows written before transitions
  // cleared it still have one).
  if ("staged_status" in metadata && row.state !== "created" && row.state !== "staged") metadata.staged_status = null;
  return metadata;
}

function toMetadataValue(value: unknown): MetadataValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  return JSON.stringify(value);
}

/** What explains the state: the failure, the runner's status or why it waits. */
export function stateDetails(row: BundleRow): string | null {
  if (row.state === "failed" || row.state === "killed") return row.failureMessage;
  if (row.state === "created" || row.state === "staged") return row.stagedStatus;
  if (row.state === "ready") return null;
  return row.runStatus ?? null;
}

async function loadOwnerNames(db: Db, accesses: readonly BundleAccess[]): Promise<Map<string, string>> {
  const ids = accesses.map((access) => access.row.ownerId);
  const rows = await queryInChunks(ids, (chunk) =>
    db.select({ id: users.id, userName: users.userName }).from(users).where(inArray(users.id, chunk)),
  );
  return new Map(rows.map((row) => [row.id, row.userName]));
}

async function loadDependencies(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<Map<string, BundleDependencyJson[]>> {
  const rows = await queryInChunks(uuids, (chunk) =>
    db.select().from(bundleDependencies).where(inArray(bundleDependencies.childUuid, chunk)),
  );
  const out = new Map<string, BundleDependencyJson[]>();
  if (rows.length === 0) return out;
  const parents = await queryInChunks(
    rows.map((row) => row.parentUuid),
    (chunk) =>
      db
        .select({ uuid: bundles.uuid, name: bundles.name, state: bundles.state, ownerId: bundles.ownerId })
        .from(bundles)
        .where(inArray(bundles.uuid, chunk)),
  );
  const levels = await loadPermissions(db, caller, "bundle", parents);
  const byUuid = new Map(parents.map((parent) => [parent.uuid, parent]));
  rows.sort((a, b) => a.id - b.id);
  for (const row of rows) {
    const parent = byUuid.get(row.parentUuid);
    const readable = parent !== undefined && levels.get(parent.uuid) !== "none";
    push(out, row.childUuid, {
      child_path: row.childPath,
      parent_uuid: row.parentUuid,
      parent_path: row.parentPath,
      parent_name: readable ? parent.name : null,
      parent_state: readable ? parent.state : null,
    });
  }
  return out;
}

/** Rows the caller may read, each (parent, object) pair once. */
async function readableOnly<T extends { parent: string | null; uuid: string; ownerId: string }>(
  db: Db,
  caller: PermissionCaller,
  kind: "bundle" | "worksheet",
  rows: readonly T[],
): Promise<T[]> {
  const levels = await loadPermissions(db, caller, kind, rows);
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = `${row.parent} ${row.uuid}`;
    if (seen.has(key) || (levels.get(row.uuid) ?? "none") === "none") return false;
    seen.add(key);
    return true;
  });
}

async function loadChildren(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<Map<string, { uuid: string; name: string }[]>> {
  const rows = await queryInChunks(uuids, (chunk) =>
    db
      .select({
        parent: bundleDependencies.parentUuid,
        uuid: bundles.uuid,
        name: bundles.name,
        ownerId: bundles.ownerId,
        id: bundles.id,
      })
      .from(bundleDependencies)
      .innerJoin(bundles, eq(bundles.uuid, bundleDependencies.childUuid))
      .where(inArray(bundleDependencies.parentUuid, chunk)),
  );
  rows.sort((a, b) => a.id - b.id);
  const out = new Map<string, { uuid: string; name: string }[]>();
  for (const row of await readableOnly(db, caller, "bundle", rows))
    push(out, row.parent, { uuid: row.uuid, name: row.name });
  return out;
}

async function loadHostWorksheets(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<Map<string, { uuid: string; name: string }[]>> {
  const rows = await queryInChunks(uuids, (chunk) =>
    db
      .selectDistinct({
        parent: worksheetItems.bundleUuid,
        uuid: worksheets.uuid,
        name: worksheets.name,
        ownerId: worksheets.ownerId,
        id: worksheets.id,
      })
      .from(worksheetItems)
      .innerJoin(worksheets, eq(worksheets.uuid, worksheetItems.worksheetUuid))
      .where(and(inArray(worksheetItems.bundleUuid, chunk), eq(worksheetItems.type, "bundle"))),
  );
  rows.sort((a, b) => a.id - b.id);
  const out = new Map<string, { uuid: string; name: string }[]>();
  for (const row of await readableOnly(db, caller, "worksheet", rows)) {
    if (row.parent !== null) push(out, row.parent, { uuid: row.uuid, name: row.name });
  }
  return out;
}
