import { describe, expect, it } from "vitest";
import {
  ANONYMOUS_CALLER,
  callerUserId,
  effectivePermission,
  isAdminCaller,
  type PermissionCaller,
} from "./effective-permission.ts";

const PUBLIC = "0x00000000000000000000000000000000";
const TEAM = "0xteam";
const OTHER_TEAM = "0xother";

const user = (userId: string, groups: string[] = [], isAdmin = false): PermissionCaller => ({
  kind: "user",
  userId,
  isAdmin,
  groupUuids: new Set(groups),
});

describe("effectivePermission", () => {
  it("gives the owner all, whatever the rows say", () => {
    expect(effectivePermission(user("alice"), { ownerId: "alice", groupPermissions: [] }, PUBLIC)).toBe("all");
  });

  it("gives an admin all on anyone's private object", () => {
    expect(effectivePermission(user("root", [], true), { ownerId: "alice", groupPermissions: [] }, PUBLIC)).toBe("all");
  });

  it("gives another user nothing on a private object", () => {
    expect(effectivePermission(user("bob"), { ownerId: "alice", groupPermissions: [] }, PUBLIC)).toBe("none");
  });

  it("lets everyone, even anonymous callers, read what public may read", () => {
    const subject = { ownerId: "alice", groupPermissions: [{ groupUuid: PUBLIC, permission: "read" as const }] };
    expect(effectivePermission(ANONYMOUS_CALLER, subject, PUBLIC)).toBe("read");
    expect(effectivePermission(user("bob"), subject, PUBLIC)).toBe("read");
  });

  it("counts rows of groups the caller belongs to and ignores the others", () => {
    const subject = {
      ownerId: "alice",
      groupPermissions: [
        { groupUuid: TEAM, permission: "all" as const },
        { groupUuid: OTHER_TEAM, permission: "read" as const },
      ],
    };
    expect(effectivePermission(user("bob", [TEAM]), subject, PUBLIC)).toBe("all");
    expect(effectivePermission(user("carol", [OTHER_TEAM]), subject, PUBLIC)).toBe("read");
    expect(effectivePermission(user("dave", ["0xunrelated"]), subject, PUBLIC)).toBe("none");
    expect(effectivePermission(ANONYMOUS_CALLER, subject, PUBLIC)).toBe("none");
  });

  it("takes the best level among matching rows, reading stored numeric ranks", () => {
    const subject = {
      ownerId: "alice",
      groupPermissions: [
        { groupUuid: PUBLIC, permission: 1 },
        { groupUuid: TEAM, permission: 2 },
        { groupUuid: OTHER_TEAM, permission: 0 },
      ],
    };
    expect(effectivePermission(user("bob", [TEAM, OTHER_TEAM]), subject, PUBLIC)).toBe("all");
    expect(effectivePermission(user("carol", [OTHER_TEAM]), subject, PUBLIC)).toBe("read");
  });

  it("never treats an ownerless object as owned by an anonymous or any user", () => {
    expect(effectivePermission(user(""), { ownerId: null, groupPermissions: [] }, PUBLIC)).toBe("none");
  });
});

describe("caller helpers", () => {
  it("names the user and whether they are an admin", () => {
    expect(callerUserId(ANONYMOUS_CALLER)).toBeNull();
    expect(callerUserId(user("alice"))).toBe("alice");
    expect(isAdminCaller(ANONYMOUS_CALLER)).toBe(false);
    expect(isAdminCaller(user("root", [], true))).toBe(true);
  });
});
