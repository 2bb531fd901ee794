/** Group rows → the group JSON of the contract (core/src/api/groups.ts) for one caller. */
import {
  GROUP_ROLES,
  type GroupJson,
  type GroupMemberJson,
  type GroupMembership,
  groupRole,
  type PermissionCaller,
} from "@codalab/core";
import { and, eq, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { userGroups, users } from "../db/schema.ts";
import { type GroupRow, groupFacts } from "./group-access.ts";

async function callerMemberships(
  db: Db,
  caller: PermissionCaller,
  groupUuids: readonly string[],
): Promise<Map<string, GroupMembership>> {
  if (caller.kind !== "user") return new Map();
  const rows = await queryInChunks(groupUuids, (chunk) =>
    db
      .select({ groupUuid: userGroups.groupUuid, isAdmin: userGroups.isAdmin })
      .from(userGroups)
      .where(and(eq(userGroups.userId, caller.userId), inArray(userGroups.groupUuid, chunk))),
  );
  return new Map(rows.map((row) => [row.groupUuid, { isAdmin: row.isAdmin }]));
}

export async function serializeGroups(
  db: Db,
  caller: PermissionCaller,
  rows: readonly GroupRow[],
): Promise<GroupJson[]> {
  if (rows.length === 0) return [];
  const ownerIds = rows.flatMap((row) => (row.ownerId === null ? [] : [row.ownerId]));
  const [owners, memberships] = await Promise.all([
    queryInChunks(ownerIds, (chunk) =>
      db.select({ id: users.id, userName: users.userName }).from(users).where(inArray(users.id, chunk)),
    ),
    callerMemberships(
      db,
      caller,
      rows.map((row) => row.uuid),
    ),
  ]);
  const ownerNames = new Map(owners.map((row) => [row.id, row.userName]));
  return rows.map((row) => ({
    uuid: row.uuid,
    name: row.name,
    owner_id: row.ownerId,
    owner_name: row.ownerId === null ? null : (ownerNames.get(row.ownerId) ?? null),
    user_defined: row.userDefined,
    role: caller.kind === "user" ? groupRole(groupFacts(row), caller.userId, memberships.get(row.uuid) ?? null) : null,
  }));
}

export async function serializeGroup(db: Db, caller: PermissionCaller, row: GroupRow): Promise<GroupJson> {
  const [json] = await serializeGroups(db, caller, [row]);
  if (json === undefined) throw new Error("serializing one group gave nothing");
  return json;
}

/** The group with its members: owner first, then admins, then members, each by name. */
export async function serializeGroupWithMembers(db: Db, caller: PermissionCaller, row: GroupRow): Promise<GroupJson> {
  const [json, memberRows] = await Promise.all([
    serializeGroup(db, caller, row),
    db
      .select({ userId: userGroups.userId, isAdmin: userGroups.isAdmin, userName: users.userName })
      .from(userGroups)
      .leftJoin(users, eq(users.id, userGroups.userId))
      .where(eq(userGroups.groupUuid, row.uuid)),
  ]);
  const facts = groupFacts(row);
  const members: GroupMemberJson[] = memberRows.map((member) => ({
    user_id: member.userId,
    user_name: member.userName,
    role: groupRole(facts, member.userId, { isAdmin: member.isAdmin }) ?? "member",
  }));
  members.sort(
    (a, b) =>
      GROUP_ROLES.indexOf(a.role) - GROUP_ROLES.indexOf(b.role) || (a.user_name ?? "").localeCompare(b.user_name ?? ""),
  );
  return { ...json, members };
}
