/**
 * What a caller may see and do with user accounts (spec §1.4, §6): everyone sees the public
 * fields; a user sees and edits their own profile; quotas and other people's accounts are for
 * instance admins; an account is deleted only once it owns nothing, so nothing is orphaned.
 */
import { CodalabError } from "../errors.ts";
import type { PermissionCaller } from "../permissions/effective-permission.ts";

/** Fields of `UpdateUserRequest` only instance admins may change. */
export const ADMIN_ONLY_USER_FIELDS = ["time_quota", "disk_quota", "parallel_run_quota", "has_access"] as const;

export function canSeePrivateUserFields(caller: PermissionCaller, userId: string): boolean {
  return caller.kind === "user" && (caller.isAdmin || caller.userId === userId);
}

function requireSelfOrAdmin(caller: PermissionCaller, userId: string, what: string): void {
  if (caller.kind !== "user") throw new CodalabError("UNAUTHENTICATED", "you must log in to do this");
  if (caller.isAdmin || caller.userId === userId) return;
  throw new CodalabError("FORBIDDEN", `you can only ${what} your own account`);
}

/** `fields`: the keys the request sets. */
export function checkUserUpdate(caller: PermissionCaller, targetUserId: string, fields: readonly string[]): void {
  requireSelfOrAdmin(caller, targetUserId, "edit");
  if (fields.length === 0) {
    throw new CodalabError("VALIDATION_FAILED", "nothing to change: give at least one field");
  }
  const adminOnly = fields.filter((field) => (ADMIN_ONLY_USER_FIELDS as readonly string[]).includes(field));
  if (adminOnly.length > 0 && !(caller.kind === "user" && caller.isAdmin)) {
    throw new CodalabError("FORBIDDEN", `only instance administrators can change ${adminOnly.join(", ")}`);
  }
}

/** What still belongs to an account, and the runs its workers are running for anyone. */
export type OwnedThings = { bundles: number; worksheets: number; groups: number; workerRuns: number };

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

export function checkUserDeletion(
  caller: PermissionCaller,
  target: { id: string; userName: string; isAdmin: boolean },
  owned: OwnedThings,
): void {
  requireSelfOrAdmin(caller, target.id, "delete");
  if (target.isAdmin) {
    throw new CodalabError("FORBIDDEN", `${target.userName} is an administrator account: it cannot be deleted`);
  }
  const parts: string[] = [];
  if (owned.bundles > 0) parts.push(counted(owned.bundles, "bundle"));
  if (owned.worksheets > 0) parts.push(counted(owned.worksheets, "worksheet"));
  if (owned.groups > 0) parts.push(counted(owned.groups, "group"));
  if (parts.length === 0) {
    if (owned.workerRuns === 0) return;
    throw new CodalabError(
      "CONFLICT",
      `cannot delete user ${target.userName}: their workers are running ${counted(owned.workerRuns, "run")}; wait for them to finish`,
      owned,
    );
  }
  throw new CodalabError(
    "CONFLICT",
    `cannot delete user ${target.userName}: they still own ${joinAnd(parts)}; delete them or give them to someone else first`,
    owned,
  );
}
