/**
 * Staging (spec §3.2–3.3, CodaLab's `_stage_bundles`): a created run or make bundle is staged once
 * every parent exists, its owner can read each one, and each is ready (or failed/killed with
 * `allow_failed_dependencies`); it fails at once when a parent is missing, unreadable, or failed
 * without the flag. A staged run's placement data (requirements, dependency keys, sharing) is
 * built here too, for the scheduler's policy.
 */
import {
  type BundleState,
  dependencyKey,
  FINAL_STATES,
  type PermissionLevel,
  permissionFromRank,
  type SchedulerEvent,
  type SchedulerRun,
} from "@codalab/core";
import { eq, inArray } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies, bundles, groupBundlePermissions } from "../db/schema.ts";
import { loadPermissions } from "../permissions/object-permissions.ts";
import { loadOwner, ownerCaller, ownerUpdate, type RunOwner, requirementsOf } from "./run-owner.ts";

type DependencyRow = typeof bundleDependencies.$inferSelect;

export async function dependenciesOf(db: Db, uuid: string): Promise<DependencyRow[]> {
  const rows = await db.select().from(bundleDependencies).where(eq(bundleDependencies.childUuid, uuid));
  return rows.sort((a, b) => a.id - b.id);
}

/** The run as the scheduling policy sees it, or why its requests cannot be met (quota, limits). */
export async function schedulerRunOf(
  db: Db,
  row: BundleRow,
  owner: RunOwner,
  dependencies?: readonly DependencyRow[],
): Promise<{ run: SchedulerRun } | { refusal: string }> {
  const resolved = requirementsOf(row, owner);
  if (!resolved.ok) return { refusal: resolved.failure_message };
  const [deps, shares] = await Promise.all([
    dependencies ?? dependenciesOf(db, row.uuid),
    db
      .select({ group: groupBundlePermissions.groupUuid, permission: groupBundlePermissions.permission })
      .from(groupBundlePermissions)
      .where(eq(groupBundlePermissions.bundleUuid, row.uuid)),
  ]);
  const groupPermissions: Record<string, PermissionLevel> = {};
  for (const share of shares) groupPermissions[share.group] = permissionFromRank(share.permission);
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

/** Why the parents keep the bundle from being staged, or null when they are all settled and usable. */
function parentProblem(
  row: BundleRow,
  owner: RunOwner,
  parents: readonly { uuid: string; state: BundleState }[],
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

/** The scheduler's `check_dependencies`: one answer per bundle whose parents are settled. */
export async function checkDependencies(db: Db, uuids: readonly string[], now: number): Promise<SchedulerEvent[]> {
  const events: SchedulerEvent[] = [];
  for (const uuid of uuids) events.push(...(await checkOne(db, uuid, now)));
  return events;
}

async function checkOne(db: Db, uuid: string, now: number): Promise<SchedulerEvent[]> {
  const row = await db.query.bundles.findFirst({ where: eq(bundles.uuid, uuid) });
  if (row === undefined || (row.bundleType !== "run" && row.bundleType !== "make")) {
    return [{ type: "run_withdrawn", now, uuid }];
  }
  const kind = row.bundleType;
  const owner = await loadOwner(db, row.ownerId);
  if (row.state !== "created") return alreadyPast(db, row, owner, now);
  if (owner === null)
    return [{ type: "dependencies_failed", now, uuid, message: "The bundle's owner no longer exists" }];

  const deps = await dependenciesOf(db, uuid);
  const wanted = [...new Set(deps.map((dep) => dep.parentUuid))];
  const parents = await queryInChunks(wanted, (chunk) =>
    db
      .select({ uuid: bundles.uuid, state: bundles.state, ownerId: bundles.ownerId })
      .from(bundles)
      .where(inArray(bundles.uuid, chunk)),
  );
  const levels = await loadPermissions(db, ownerCaller(owner), "bundle", parents);
  const problem = parentProblem(row, owner, parents, levels, wanted);
  if (problem !== null) {
    return "fail" in problem ? [{ type: "dependencies_failed", now, uuid, message: problem.fail }] : [];
  }
  if (kind === "make") return [{ type: "dependencies_ready", now, uuid, kind, owner: ownerUpdate(owner) }];
  const placement = await schedulerRunOf(db, row, owner, deps);
  return [
    {
      type: "dependencies_ready",
      now,
      uuid,
      kind,
      owner: ownerUpdate(owner),
      ...("run" in placement ? { run: placement.run } : { refusal: placement.refusal }),
    },
  ];
}

/** A bundle asked about after it left `created` (a repeated notification, a recovery). */
async function alreadyPast(db: Db, row: BundleRow, owner: RunOwner | null, now: number): Promise<SchedulerEvent[]> {
  if (row.state !== "staged" || owner === null) return [{ type: "run_withdrawn", now, uuid: row.uuid }];
  const kind = row.bundleType === "make" ? "make" : "run";
  const ready = { type: "dependencies_ready", now, uuid: row.uuid, kind, owner: ownerUpdate(owner) } as const;
  if (kind === "make") return [ready];
  const placement = await schedulerRunOf(db, row, owner);
  return [{ ...ready, ...("run" in placement ? { run: placement.run } : { refusal: placement.refusal }) }];
}
