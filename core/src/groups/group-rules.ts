/**
 * Who may change a group and how (spec §1.3, §6): the owner and the group's admins manage its
 * members, as do instance admins; the owner is always an admin and stays in the group (deleting
 * the group is the way out); any member may leave; `public` is built in and nobody changes it.
 */
import type { GroupRole } from "../api/groups.ts";
import { CodalabError } from "../errors.ts";
import type { PermissionCaller } from "../permissions/effective-permission.ts";

export type GroupFacts = { uuid: string; name: string; ownerId: string | null; userDefined: boolean };
/** A user's row in the group, or null when they are not in it. */
export type GroupMembership = { isAdmin: boolean } | null;
export type MemberChange = { kind: "set"; isAdmin: boolean } | { kind: "remove" };

export function groupLabel(group: Pick<GroupFacts, "uuid" | "name">): string {
  return `${group.name}(${group.uuid})`;
}

export function groupRole(group: GroupFacts, userId: string, membership: GroupMembership): GroupRole | null {
  if (group.ownerId !== null && group.ownerId === userId) return "owner";
  if (membership === null) return null;
  return membership.isAdmin ? "admin" : "member";
}

/** Throws unless the caller may change the group (delete it, manage its members). */
export function requireGroupManager(caller: PermissionCaller, group: GroupFacts, membership: GroupMembership): void {
  if (!group.userDefined) {
    throw new CodalabError("FORBIDDEN", `the ${group.name} group is built in: nobody can change it`);
  }
  if (caller.kind !== "user") throw new CodalabError("UNAUTHENTICATED", "you must log in to do this");
  if (caller.isAdmin) return;
  const role = groupRole(group, caller.userId, membership);
  if (role === "owner" || role === "admin") return;
  throw new CodalabError("FORBIDDEN", `only the owner and admins of group ${groupLabel(group)} can change it`, {
    group_uuid: group.uuid,
  });
}

/**
 * Checks adding, promoting, demoting or removing `targetUserId`. Leaving a group needs no admin
 * rights; the owner can be neither demoted nor removed.
 */
export function checkMemberChange(
  caller: PermissionCaller,
  group: GroupFacts,
  callerMembership: GroupMembership,
  targetUserId: string,
  change: MemberChange,
): void {
  const leaving = change.kind === "remove" && caller.kind === "user" && caller.userId === targetUserId;
  if (!leaving || !group.userDefined) requireGroupManager(caller, group, callerMembership);
  if (group.ownerId !== targetUserId) return;
  if (change.kind === "remove") {
    throw new CodalabError(
      "CONFLICT",
      `the owner of group ${groupLabel(group)} cannot be removed from it: delete the group instead`,
    );
  }
  if (!change.isAdmin) {
    throw new CodalabError(
      "CONFLICT",
      `the owner of group ${groupLabel(group)} cannot be demoted: the owner is always an admin`,
    );
  }
}
