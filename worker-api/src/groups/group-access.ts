/**
 * Finding groups for a caller. A group spec is a full uuid or a name (any group: sharing with a
 * group needs no membership, as in CodaLab) or a uuid prefix (only among the caller's groups, so
 * prefixes reveal nothing). Membership rows carry the admin flag the manage rules need.
 */
import {
  BUNDLE_UUID_REGEX,
  CodalabError,
  type GroupFacts,
  type GroupMembership,
  type PermissionCaller,
} from "@codalab/core";
import { and, eq, like, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { groups, userGroups } from "../db/schema.ts";
import { PUBLIC_GROUP_UUID } from "../ids.ts";

export type GroupRow = typeof groups.$inferSelect;

const UUID_PREFIX = /^0x[0-9a-f]{1,31}$/;
const MAX_LISTED = 5;

export function groupFacts(row: GroupRow): GroupFacts {
  return { uuid: row.uuid, name: row.name, ownerId: row.ownerId, userDefined: row.userDefined };
}

function notFound(spec: string): CodalabError {
  return new CodalabError("NOT_FOUND", `no group matches ${JSON.stringify(spec)}`, { kind: "group", spec });
}

/** The caller's own groups (and `public`), or every group for an instance admin. */
function visibleToCaller(caller: PermissionCaller) {
  if (caller.kind === "user" && caller.isAdmin) return undefined;
  const mine =
    caller.kind === "user"
      ? sql`${groups.uuid} in (select ug.group_uuid from user_groups ug where ug.user_id = ${caller.userId})`
      : sql`0`;
  return or(eq(groups.uuid, PUBLIC_GROUP_UUID), mine);
}

export async function resolveGroup(db: Db, caller: PermissionCaller, spec: string): Promise<GroupRow> {
  const text = spec.trim();
  const exact = await db
    .select()
    .from(groups)
    .where(BUNDLE_UUID_REGEX.test(text) ? eq(groups.uuid, text) : eq(groups.name, text))
    .limit(1);
  if (exact[0] !== undefined) return exact[0];
  if (!UUID_PREFIX.test(text)) throw notFound(spec);
  const matches = await db
    .select()
    .from(groups)
    .where(and(like(groups.uuid, `${text}%`), visibleToCaller(caller)))
    .orderBy(groups.name)
    .limit(MAX_LISTED + 1);
  const [only, second] = matches;
  if (only === undefined) throw notFound(spec);
  if (second !== undefined) {
    const names = matches.slice(0, MAX_LISTED).map((row) => `${row.name}(${row.uuid})`);
    throw new CodalabError(
      "AMBIGUOUS_SPEC",
      `${JSON.stringify(spec)} matches several groups: ${names.join(", ")}${matches.length > MAX_LISTED ? ", …" : ""}; give more of the uuid or the name`,
    );
  }
  return only;
}

export async function membershipOf(db: Db, groupUuid: string, userId: string): Promise<GroupMembership> {
  const [row] = await db
    .select({ isAdmin: userGroups.isAdmin })
    .from(userGroups)
    .where(and(eq(userGroups.groupUuid, groupUuid), eq(userGroups.userId, userId)));
  return row === undefined ? null : { isAdmin: row.isAdmin };
}

/** The caller's membership in the group, or null (anonymous callers are in no group). */
export function callerMembership(db: Db, caller: PermissionCaller, groupUuid: string): Promise<GroupMembership> {
  return caller.kind === "user" ? membershipOf(db, groupUuid, caller.userId) : Promise.resolve(null);
}

/** Members see a group's details; so do instance admins; everyone sees `public`. */
export function requireGroupVisible(caller: PermissionCaller, row: GroupRow, membership: GroupMembership): void {
  if (!row.userDefined || membership !== null) return;
  if (caller.kind === "user" && (caller.isAdmin || caller.userId === row.ownerId)) return;
  throw new CodalabError("FORBIDDEN", `you are not a member of group ${row.name}(${row.uuid})`);
}
