/**
 * Staging (spec §3.2–3.3, CodaLab's `_stage_bundles`): a created run or make bundle is staged once
 * every parent exists, its owner can read each one, and each is ready (or failed/killed with
 * `allow_failed_dependencies`); it fails at once when a parent is missing, unreadable, or failed
 * without the flag. A staged run's placement data (requirements, dependency keys, sharing) is
 * built here too, for the scheduler's policy. Bundles are checked in batches: the scheduler hands
 * over every bundle of a step at once.
 */
import {
  type BundleState,
  dependencyKey,
  effectivePermission,
  FINAL_STATES,
  type GroupPermissionRow,
  type PermissionLevel,
  permissionFromRank,
  type RunLimits,
  type SchedulerEvent,
  type SchedulerRun,
} from "@codalab/core";
import { eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import type { Db } from "../db/client.ts";
import { queryByJsonList } from "../db/json-list.ts";
import { bundleDependencies, bundles, groupBundlePermissions } from "../db/schema.ts";
import { PUBLIC_GROUP_UUID } from "../ids.ts";
import { ownerCaller, ownersOf, ownerUpdate, type RunOwner, requirementsOf } from "./run-owner.ts";

type DependencyRow = typeof bundleDependencies.$inferSelect;

export async function dependenciesOf(db: Db, uuid: string): Promise<DependencyRow[]> {
  const rows = await db.select().from(bundleDependencies).where(eq(bundleDependencies.childUuid, uuid));
  return rows.sort((a, b) => a.id - b.id);
}

/** The run as the scheduling policy sees it, or why its requests cannot be met (quota, limits). */
function schedulerRunOf(
  row: BundleRow,
  owner: RunOwner,
  deps: readonly DependencyRow[],
  shares: readonly GroupPermissionRow[],
  limits: RunLimits,
): { run: SchedulerRun } | { refusal: string } {
  const resolved = requirementsOf(row, owner, limits);
  if (!resolved.ok) return { refusal: resolved.failure_message };
  const groupPermissions: Record<string, PermissionLevel> = {};
  for (const share of shares) groupPermissions[share.groupUuid] = permissionFromRank(Number(share.permission));
  const { cpus, gpus, memory, disk, disk_requested, queue, priority } = resolved.requirements;
  return {
    run: {
      uuid: row.uuid,
      owner_id: row.ownerId,
      order: row.id,
      requirements: { cpus, gpus, memory, disk, disk_requested, queue, priority },
      dependency_keys: [...new Set(deps.map((dep) => dependencyKey(dep.parentUuid, dep.parentPath)))],
      group_permissions: groupPermissions,
    },
  };
}

function list(uuids: readonly string[]): string {
  return uuids.join(", ");
}

type Parent = { uuid: string; state: BundleState; ownerId: string };

/** Why the parents keep the bundle from being staged, or null when they are all settled and usable. */
function parentProblem(
  row: BundleRow,
  owner: RunOwner,
  parents: readonly Parent[],
  levels: ReadonlyMap<string, PermissionLevel>,
  wanted: readonly string[],
): { fail: string } | { wait: true } | null {
  const found = new Set(parents.map((parent) => parent.uuid));
  const missing = wanted.filter((uuid) => !found.has(uuid));
  if (missing.length > 0) return { fail: `Missing parent bundles: ${list(missing)}` };
  const unreadable = parents.filter((parent) => (levels.get(parent.uuid) ?? "none") === "none").map((p) => p.uuid);
  if (unreadable.length > 0) {
    return {
      fail: `The owner (${owner.user.userName}) does not have read permission on parent bundles: ${list(unreadable)}`,
    };
  }
  if (!row.allowFailedDependencies) {
    const failed = parents.filter((parent) => parent.state === "failed").map((parent) => parent.uuid);
    const killed = parents.filter((parent) => parent.state === "killed").map((parent) => parent.uuid);
    const reasons: string[] = [];
    if (failed.length > 0) reasons.push(`Parent bundles failed: ${list(failed)}`);
    if (killed.length > 0) reasons.push(`Parent bundles were killed: ${list(killed)}`);
    if (reasons.length > 0) {
      return {
        fail: `${reasons.join(". ")} (use --allow-failed-dependencies to depend on results of failed or killed bundles)`,
      };
    }
  }
  if (parents.some((parent) => !FINAL_STATES.includes(parent.state))) return { wait: true };
  return null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(key(item));
    if (list === undefined) map.set(key(item), [item]);
    else list.push(item);
  }
  return map;
}

/** Everything the checks of a batch need, in a handful of queries whatever the batch size. */
type Batch = {
  rows: Map<string, BundleRow>;
  owners: Map<string, RunOwner>;
  deps: Map<string, DependencyRow[]>;
  parents: Map<string, Parent>;
  /** Group permission rows of the parents and of the bundles themselves. */
  shares: Map<string, GroupPermissionRow[]>;
};

async function loadBatch(db: Db, uuids: readonly string[]): Promise<Batch> {
  // One round trip: every query takes the bundle list and finds owners and parents by subquery.
  const parentsOf = (list: SQL) =>
    sql`(select parent_uuid from ${bundleDependencies} where ${bundleDependencies.childUuid} in ${list})`;
  const [rowList, depList, ownerMaps, parentList, shareList] = await Promise.all([
    queryByJsonList(uuids, (list) => db.select().from(bundles).where(inArray(bundles.uuid, list))),
    queryByJsonList(uuids, (list) =>
      db.select().from(bundleDependencies).where(inArray(bundleDependencies.childUuid, list)),
    ),
    queryByJsonList(uuids, async (list) => [await ownersOf(db, list)]),
    queryByJsonList(uuids, (list) =>
      db
        .select({ uuid: bundles.uuid, state: bundles.state, ownerId: bundles.ownerId })
        .from(bundles)
        .where(inArray(bundles.uuid, parentsOf(list))),
    ),
    queryByJsonList(uuids, (list) =>
      db
        .select({
          objectUuid: groupBundlePermissions.bundleUuid,
          groupUuid: groupBundlePermissions.groupUuid,
          permission: groupBundlePermissions.permission,
        })
        .from(groupBundlePermissions)
        .where(
          or(
            inArray(groupBundlePermissions.bundleUuid, list),
            inArray(groupBundlePermissions.bundleUuid, parentsOf(list)),
          ),
        ),
    ),
  ]);
  depList.sort((a, b) => a.id - b.id);
  return {
    rows: new Map(rowList.map((row) => [row.uuid, row])),
    owners: new Map(ownerMaps.flatMap((owners) => [...owners])),
    deps: groupBy(depList, (dep) => dep.childUuid),
    parents: new Map(parentList.map((parent) => [parent.uuid, parent])),
    shares: groupBy(shareList, (share) => share.objectUuid),
  };
}

/**
 * The scheduler's `check_dependencies`: one answer per bundle whose parents are settled. The whole
 * list is checked with a few queries (bundles, dependencies, owners, parents, group permissions).
 */
export async function checkDependencies(
  db: Db,
  uuids: readonly string[],
  now: number,
  limits: RunLimits,
): Promise<SchedulerEvent[]> {
  const batch = await loadBatch(db, uuids);
  const events: SchedulerEvent[] = [];
  for (const uuid of uuids) {
    const event = checkOne(batch, uuid, now, limits);
    if (event !== null) events.push(event);
  }
  return events;
}

function checkOne(batch: Batch, uuid: string, now: number, limits: RunLimits): SchedulerEvent | null {
  const row = batch.rows.get(uuid);
  if (row === undefined || (row.bundleType !== "run" && row.bundleType !== "make")) {
    return { type: "run_withdrawn", now, uuid };
  }
  const kind = row.bundleType;
  const owner = batch.owners.get(row.ownerId) ?? null;
  const deps = batch.deps.get(uuid) ?? [];
  // A bundle asked about after it left `created` (a repeated notification, a recovery).
  if (row.state !== "created" && (row.state !== "staged" || owner === null))
    return { type: "run_withdrawn", now, uuid };
  if (owner === null) return { type: "dependencies_failed", now, uuid, message: "The bundle's owner no longer exists" };
  if (row.state === "created") {
    const wanted = [...new Set(deps.map((dep) => dep.parentUuid))];
    const parents = wanted.flatMap((parent) => batch.parents.get(parent) ?? []);
    const caller = ownerCaller(owner);
    const levels = new Map<string, PermissionLevel>();
    for (const parent of parents) {
      const groupPermissions = batch.shares.get(parent.uuid) ?? [];
      levels.set(
        parent.uuid,
        effectivePermission(caller, { ownerId: parent.ownerId, groupPermissions }, PUBLIC_GROUP_UUID),
      );
    }
    const problem = parentProblem(row, owner, parents, levels, wanted);
    if (problem !== null)
      return "fail" in problem ? { type: "dependencies_failed", now, uuid, message: problem.fail } : null;
  }
  const ready = { type: "dependencies_ready", now, uuid, kind, owner: ownerUpdate(owner) } as const;
  if (kind === "make") return ready;
  const placement = schedulerRunOf(row, owner, deps, batch.shares.get(uuid) ?? [], limits);
  return { ...ready, ...("run" in placement ? { run: placement.run } : { refusal: placement.refusal }) };
}
