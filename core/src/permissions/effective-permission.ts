/**
 * THE permission function (spec §6, design §5): every endpoint that touches a bundle or a
 * worksheet decides what the caller may do with it here, from plain data the server loaded.
 *
 * - owner and admin (root) have `all`;
 * - everyone else gets the best level among the object's group rows whose group is `public`
 *   (everyone, even logged-out callers, is an implicit member) or a group the caller belongs to;
 * - no row → `none`.
 */
import type { PermissionLevel } from "../constants.ts";
import { maxPermission, permissionFromRank } from "./permission-level.ts";

/** Who asks. Anonymous callers are only in `public`. */
export type PermissionCaller =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: string;
      isAdmin: boolean;
      /** Groups the user is a member of (explicit memberships; `public` is implied). */
      groupUuids: ReadonlySet<string>;
    };

/** One `group_*_permission` row: a level, or CodaLab's stored rank (0 none, 1 read, 2 all). */
export type GroupPermissionRow = { groupUuid: string; permission: PermissionLevel | number };

/** What the decision needs to know about a bundle or worksheet. */
export type PermissionSubject = {
  ownerId: string | null;
  groupPermissions: readonly GroupPermissionRow[];
};

export const ANONYMOUS_CALLER: PermissionCaller = { kind: "anonymous" };

export function effectivePermission(
  caller: PermissionCaller,
  subject: PermissionSubject,
  publicGroupUuid: string,
): PermissionLevel {
  if (caller.kind === "user" && (caller.isAdmin || (subject.ownerId !== null && subject.ownerId === caller.userId))) {
    return "all";
  }
  let level: PermissionLevel = "none";
  for (const row of subject.groupPermissions) {
    const member =
      row.groupUuid === publicGroupUuid || (caller.kind === "user" && caller.groupUuids.has(row.groupUuid));
    if (!member) continue;
    level = maxPermission(
      level,
      typeof row.permission === "number" ? permissionFromRank(row.permission) : row.permission,
    );
    if (level === "all") break;
  }
  return level;
}

export function callerUserId(caller: PermissionCaller): string | null {
  return caller.kind === "user" ? caller.userId : null;
}

export function isAdminCaller(caller: PermissionCaller): boolean {
  return caller.kind === "user" && caller.isAdmin;
}
