/**
 * What the worksheet interpreter knows about bundles (core `BundleInfo`), for one caller, in one
 * round of queries whatever the number of bundles: the uuids travel as one JSON parameter
 * (`json_each`) instead of D1-sized `IN` chunks, and the rows, dependencies (with their parents),
 * group permissions and host worksheets are read in parallel. Unreadable bundles come back as a
 * bare `permission: "none"` entry, so nothing about them can reach a rendered worksheet.
 */
import {
  type BundleDependency,
  type BundleInfo,
  canSeeOwnership,
  effectivePermission,
  type GroupPermission,
  type GroupPermissionRow,
  type HostWorksheet,
  type JsonValue,
  type PermissionCaller,
  type PermissionLevel,
  permissionFromRank,
} from "@codalab/core";
import { eq, type SQL, sql } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { bundleMetadata, stateDetails } from "../bundles/serialize-bundles.ts";
import type { Db } from "../db/client.ts";
import { bundles, users } from "../db/schema.ts";
import { PUBLIC_GROUP_UUID } from "../ids.ts";

type PermissionRows = Map<string, (GroupPermissionRow & { groupName: string })[]>;

async function permissionRows(db: Db, table: "group_bundle_permissions" | "group_worksheet_permissions", objects: SQL) {
  const column = table === "group_bundle_permissions" ? "bundle_uuid" : "worksheet_uuid";
  const rows = await db.all<{ object: string; group_uuid: string; group_name: string; permission: number }>(
    sql`select p.${sql.raw(column)} as object, p.group_uuid, g.name as group_name, p.permission
      from ${sql.raw(table)} p join groups g on g.uuid = p.group_uuid
      where p.${sql.raw(column)} in ${objects}`,
  );
  const byObject: PermissionRows = new Map();
  for (const row of rows) {
    const list = byObject.get(row.object) ?? [];
    list.push({ groupUuid: row.group_uuid, groupName: row.group_name, permission: row.permission });
    byObject.set(row.object, list);
  }
  return byObject;
}

function levelOf(caller: PermissionCaller, ownerId: string, rows: PermissionRows, uuid: string): PermissionLevel {
  return effectivePermission(caller, { ownerId, groupPermissions: rows.get(uuid) ?? [] }, PUBLIC_GROUP_UUID);
}

function jsonList(values: readonly string[]): SQL {
  return sql`(select value from json_each(${JSON.stringify(values)}))`;
}

type DependencyRow = {
  child_uuid: string;
  child_path: string;
  parent_uuid: string;
  parent_path: string;
  parent_name: string | null;
  parent_state: BundleInfo["state"] | null;
  parent_owner: string | null;
};

type HostRow = { bundle_uuid: string; uuid: string; name: string; owner_id: string };

export async function loadBundleInfos(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<{ infos: Map<string, BundleInfo>; rows: Map<string, BundleRow> }> {
  if (uuids.length === 0) return { infos: new Map(), rows: new Map() };
  const list = jsonList([...new Set(uuids)]);
  const parents = sql`(select d.parent_uuid from bundle_dependencies d where d.child_uuid in ${list})`;
  const hosts = sql`(select wi.worksheet_uuid from worksheet_items wi where wi.type = 'bundle' and wi.bundle_uuid in ${list})`;
  const [rows, permissions, dependencies, parentPermissions, hostRows, hostPermissions] = await Promise.all([
    db
      .select({ row: bundles, ownerName: users.userName })
      .from(bundles)
      .leftJoin(users, eq(users.id, bundles.ownerId))
      .where(sql`${bundles.uuid} in ${list}`),
    permissionRows(db, "group_bundle_permissions", list),
    db.all<DependencyRow>(sql`select d.child_uuid, d.child_path, d.parent_uuid, d.parent_path,
        p.name as parent_name, p.state as parent_state, p.owner_id as parent_owner
      from bundle_dependencies d left join bundles p on p.uuid = d.parent_uuid
      where d.child_uuid in ${list} order by d.id`),
    permissionRows(db, "group_bundle_permissions", parents),
    db.all<HostRow>(sql`select distinct wi.bundle_uuid, w.uuid, w.name, w.owner_id
      from worksheet_items wi join worksheets w on w.uuid = wi.worksheet_uuid
      where wi.type = 'bundle' and wi.bundle_uuid in ${list} order by w.id`),
    permissionRows(db, "group_worksheet_permissions", hosts),
  ]);

  const dependenciesOf = new Map<string, BundleDependency[]>();
  for (const row of dependencies) {
    const readable =
      row.parent_owner !== null && levelOf(caller, row.parent_owner, parentPermissions, row.parent_uuid) !== "none";
    const list = dependenciesOf.get(row.child_uuid) ?? [];
    list.push({
      child_path: row.child_path,
      parent_uuid: row.parent_uuid,
      parent_path: row.parent_path,
      parent_name: readable ? row.parent_name : null,
      parent_state: readable ? row.parent_state : null,
    });
    dependenciesOf.set(row.child_uuid, list);
  }
  const hostsOf = new Map<string, HostWorksheet[]>();
  for (const row of hostRows) {
    if (levelOf(caller, row.owner_id, hostPermissions, row.uuid) === "none") continue;
    const list = hostsOf.get(row.bundle_uuid) ?? [];
    list.push({ uuid: row.uuid, name: row.name });
    hostsOf.set(row.bundle_uuid, list);
  }

  const isAdmin = caller.kind === "user" && caller.isAdmin;
  const infos = new Map<string, BundleInfo>();
  const byUuid = new Map<string, BundleRow>();
  for (const { row, ownerName } of rows) {
    byUuid.set(row.uuid, row);
    const level = levelOf(caller, row.ownerId, permissions, row.uuid);
    infos.set(
      row.uuid,
      level === "none"
        ? unreadable(row)
        : toInfo(row, ownerName, level, isAdmin, {
            dependencies: dependenciesOf.get(row.uuid) ?? [],
            groupPermissions: namedPermissions(permissions.get(row.uuid) ?? []),
            hostWorksheets: hostsOf.get(row.uuid) ?? [],
          }),
    );
  }
  return { infos, rows: byUuid };
}

function namedPermissions(rows: readonly (GroupPermissionRow & { groupName: string })[]): GroupPermission[] {
  return rows
    .map((row) => ({
      group_uuid: row.groupUuid,
      group_name: row.groupName,
      permission: typeof row.permission === "number" ? permissionFromRank(row.permission) : row.permission,
    }))
    .filter((row) => row.permission !== "none")
    .sort((a, b) => a.group_name.localeCompare(b.group_name));
}

/** Only the uuid is ever shown (the interpreter masks it as `<private>`); nothing else is filled in. */
function unreadable(row: BundleRow): BundleInfo {
  return {
    uuid: row.uuid,
    bundle_type: row.bundleType,
    state: row.state,
    command: null,
    owner_id: null,
    owner_name: null,
    is_anonymous: true,
    frozen: null,
    metadata: {},
    dependencies: [],
    permission: "none",
  };
}

function toInfo(
  row: BundleRow,
  ownerName: string | null,
  level: PermissionLevel,
  isAdmin: boolean,
  related: { dependencies: BundleDependency[]; groupPermissions: GroupPermission[]; hostWorksheets: HostWorksheet[] },
): BundleInfo {
  const visible = canSeeOwnership(level, row.isAnonymous);
  return {
    uuid: row.uuid,
    id: row.id,
    bundle_type: row.bundleType,
    state: row.state,
    command: row.command,
    owner_id: visible ? row.ownerId : null,
    owner_name: visible ? ownerName : null,
    is_anonymous: row.isAnonymous,
    frozen: row.frozen,
    metadata: bundleMetadata(row, visible, isAdmin) as Record<string, JsonValue>,
    dependencies: related.dependencies,
    permission: level,
    state_details: stateDetails(row),
    group_permissions: visible ? related.groupPermissions : [],
    host_worksheets: related.hostWorksheets,
  };
}
