/**
 * A run's owner as the scheduler needs them: quotas (time, disk, parallel runs), group
 * memberships (which group workers may take the run) and the permission caller used to check the
 * owner can read every parent (spec §6: dependencies are checked against the bundle's owner).
 */
import {
  type PermissionCaller,
  type ResolvedRequirements,
  type RunLimits,
  resolveRunRequirements,
  type UserUpdate,
} from "@codalab/core";
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { readConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { userGroups, users } from "../db/schema.ts";
import type { UserRow } from "../env.ts";
import { machineMetadata } from "./machine-row.ts";

export type RunOwner = { user: UserRow; groups: string[] };

export async function loadOwner(db: Db, userId: string): Promise<RunOwner | null> {
  const [user, memberships] = await Promise.all([
    db.query.users.findFirst({ where: eq(users.id, userId) }),
    db.select({ groupUuid: userGroups.groupUuid }).from(userGroups).where(eq(userGroups.userId, userId)),
  ]);
  if (user === undefined) return null;
  return { user, groups: memberships.map((row) => row.groupUuid) };
}

/** Several owners at once (staging or delivering a batch of runs): `userIds` is a subquery of ids. */
async function loadOwners(db: Db, userIds: SQL): Promise<Map<string, RunOwner>> {
  const [rows, memberships] = await Promise.all([
    db.select().from(users).where(inArray(users.id, userIds)),
    db
      .select({ userId: userGroups.userId, groupUuid: userGroups.groupUuid })
      .from(userGroups)
      .where(inArray(userGroups.userId, userIds)),
  ]);
  const owners = new Map<string, RunOwner>(rows.map((user) => [user.id, { user, groups: [] }]));
  for (const membership of memberships) owners.get(membership.userId)?.groups.push(membership.groupUuid);
  return owners;
}

/** The owners of these bundles. */
export function ownersOf(db: Db, bundleList: SQL): Promise<Map<string, RunOwner>> {
  return loadOwners(db, sql`(select owner_id from bundles where uuid in ${bundleList})`);
}

export function ownerUpdate(owner: RunOwner): UserUpdate {
  return {
    user_id: owner.user.id,
    groups: owner.groups,
    parallel_run_quota: owner.user.parallelRunQuota,
    is_admin: owner.user.isAdmin,
  };
}

export function ownerCaller(owner: RunOwner): PermissionCaller {
  return { kind: "user", userId: owner.user.id, isAdmin: owner.user.isAdmin, groupUuids: new Set(owner.groups) };
}

/** Server limits on requests: the operator's `MAX_REQUEST_*` settings (config.ts). */
export function runLimits(env: Env): RunLimits {
  return readConfig(env).runLimits;
}

/**
 * The run's requirements now, from its request fields, what is left of the owner's quotas and the
 * server limits.
 */
export function requirementsOf(row: BundleRow, owner: RunOwner, limits: RunLimits): ResolvedRequirements {
  return resolveRunRequirements(
    machineMetadata(row),
    {
      time_quota: owner.user.timeQuota,
      time_used: owner.user.timeUsed,
      disk_quota: owner.user.diskQuota,
      disk_used: owner.user.diskUsed,
    },
    limits,
  );
}
