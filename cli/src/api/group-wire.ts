/**
 * Parsers for the group and permission endpoints' answers (core/src/api/groups.ts and
 * permissions.ts are the source of truth). Hand-written like wire.ts: zod costs ~100 ms per `cl` run.
 */
import { PERMISSION_LEVELS, type PermissionLevel } from "@codalab/core/constants";
import { booleanAt, type JsonRecord, nullableStringAt, recordAt, ShapeError, stringAt } from "../parse/json-fields.ts";
import { listAt } from "./bundle-wire.ts";

export const WIRE_GROUP_ROLES = ["owner", "admin", "member"] as const;
export type WireGroupRole = (typeof WIRE_GROUP_ROLES)[number];
export type WireGroupMember = { user_id: string; user_name: string | null; role: WireGroupRole };
export type WireGroup = {
  uuid: string;
  name: string;
  owner_id: string | null;
  owner_name: string | null;
  user_defined: boolean;
  role: WireGroupRole | null;
  members?: WireGroupMember[];
  raw: JsonRecord;
};

function role(value: unknown, path: string): WireGroupRole {
  if (typeof value === "string" && (WIRE_GROUP_ROLES as readonly string[]).includes(value)) {
    return value as WireGroupRole;
  }
  throw new ShapeError(path, `one of ${WIRE_GROUP_ROLES.join(", ")}`);
}

function parseGroup(value: unknown, path: string): WireGroup {
  const record = recordAt(value, path);
  const group: WireGroup = {
    uuid: stringAt(record, "uuid", path),
    name: stringAt(record, "name", path),
    owner_id: nullableStringAt(record, "owner_id", path),
    owner_name: nullableStringAt(record, "owner_name", path),
    user_defined: booleanAt(record, "user_defined", path),
    role: record.role === null ? null : role(record.role, `${path}.role`),
    raw: record,
  };
  if (record.members !== undefined) {
    group.members = listAt(record, "members", path, (item, at) => {
      const member = recordAt(item, at);
      return {
        user_id: stringAt(member, "user_id", at),
        user_name: nullableStringAt(member, "user_name", at),
        role: role(member.role, `${at}.role`),
      };
    });
  }
  return group;
}

/** `{group}`. */
export function parseGroupEnvelope(value: unknown): WireGroup {
  return parseGroup(recordAt(value, "response").group, "response.group");
}

/** `{groups: [...]}`. */
export function parseGroupList(value: unknown): WireGroup[] {
  return listAt(recordAt(value, "response"), "groups", "response", parseGroup);
}

export type WirePermissionChange = {
  group: { uuid: string; name: string };
  permission: PermissionLevel;
  uuids: string[];
};

function stringList(record: JsonRecord, key: string, path: string): string[] {
  return listAt(record, key, path, (item, at) => {
    if (typeof item !== "string") throw new ShapeError(at, "a string");
    return item;
  });
}

/** `{group, permission, uuids}` from the permission endpoints. */
export function parsePermissionChange(value: unknown): WirePermissionChange {
  const body = recordAt(value, "response");
  const group = recordAt(body.group, "response.group");
  const permission = stringAt(body, "permission", "response");
  if (!(PERMISSION_LEVELS as readonly string[]).includes(permission)) {
    throw new ShapeError("response.permission", "none, read or all");
  }
  return {
    group: { uuid: stringAt(group, "uuid", "response.group"), name: stringAt(group, "name", "response.group") },
    permission: permission as PermissionLevel,
    uuids: stringList(body, "uuids", "response"),
  };
}

/** `{owner: {id, user_name}, uuids}` from chown. */
export function parseOwnerChange(value: unknown): { owner: { id: string; user_name: string }; uuids: string[] } {
  const body = recordAt(value, "response");
  const owner = recordAt(body.owner, "response.owner");
  return {
    owner: { id: stringAt(owner, "id", "response.owner"), user_name: stringAt(owner, "user_name", "response.owner") },
    uuids: stringList(body, "uuids", "response"),
  };
}
