import { describe, expect, it } from "vitest";
import { ANONYMOUS_CALLER, type PermissionCaller } from "../permissions/effective-permission.ts";
import { checkMemberChange, type GroupFacts, groupRole, requireGroupManager } from "./group-rules.ts";

const team: GroupFacts = { uuid: "0xteam", name: "team", ownerId: "olive", userDefined: true };
const publicGroup: GroupFacts = { uuid: "0x0", name: "public", ownerId: null, userDefined: false };
const user = (userId: string, isAdmin = false): PermissionCaller => ({
  kind: "user",
  userId,
  isAdmin,
  groupUuids: new Set(),
});
const failure = (code: string, message: string) => expect.objectContaining({ code, message });

describe("groupRole", () => {
  it("names the owner, admins and members, and nobody else", () => {
    expect(groupRole(team, "olive", { isAdmin: true })).toBe("owner");
    expect(groupRole(team, "ada", { isAdmin: true })).toBe("admin");
    expect(groupRole(team, "max", { isAdmin: false })).toBe("member");
    expect(groupRole(team, "stranger", null)).toBeNull();
  });
});

describe("requireGroupManager", () => {
  it("lets the owner, group admins and instance admins manage the group", () => {
    expect(() => requireGroupManager(user("olive"), team, { isAdmin: true })).not.toThrow();
    expect(() => requireGroupManager(user("ada"), team, { isAdmin: true })).not.toThrow();
    expect(() => requireGroupManager(user("root", true), team, null)).not.toThrow();
  });

  it("refuses plain members and strangers with 403 naming the group", () => {
    const message = "only the owner and admins of group team(0xteam) can change it";
    expect(() => requireGroupManager(user("max"), team, { isAdmin: false })).toThrow(failure("FORBIDDEN", message));
    expect(() => requireGroupManager(user("stranger"), team, null)).toThrow(failure("FORBIDDEN", message));
  });

  it("refuses anonymous callers with 401", () => {
    expect(() => requireGroupManager(ANONYMOUS_CALLER, team, null)).toThrow(
      expect.objectContaining({ code: "UNAUTHENTICATED" }),
    );
  });

  it("lets nobody, not even an instance admin, change the public group", () => {
    expect(() => requireGroupManager(user("root", true), publicGroup, null)).toThrow(
      failure("FORBIDDEN", "the public group is built in: nobody can change it"),
    );
  });
});

describe("checkMemberChange", () => {
  it("lets group admins add, promote, demote and remove members", () => {
    for (const change of [
      { kind: "set", isAdmin: true },
      { kind: "set", isAdmin: false },
      { kind: "remove" },
    ] as const) {
      expect(() => checkMemberChange(user("ada"), team, { isAdmin: true }, "max", change)).not.toThrow();
    }
  });

  it("refuses a plain member adding someone", () => {
    expect(() =>
      checkMemberChange(user("max"), team, { isAdmin: false }, "eve", { kind: "set", isAdmin: false }),
    ).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("lets any member leave, but not the owner", () => {
    expect(() => checkMemberChange(user("max"), team, { isAdmin: false }, "max", { kind: "remove" })).not.toThrow();
    expect(() => checkMemberChange(user("olive"), team, { isAdmin: true }, "olive", { kind: "remove" })).toThrow(
      failure("CONFLICT", "the owner of group team(0xteam) cannot be removed from it: delete the group instead"),
    );
  });

  it("never demotes the owner, whoever asks", () => {
    for (const caller of [user("ada"), user("olive"), user("root", true)]) {
      expect(() =>
        checkMemberChange(caller, team, { isAdmin: true }, "olive", { kind: "set", isAdmin: false }),
      ).toThrow(failure("CONFLICT", "the owner of group team(0xteam) cannot be demoted: the owner is always an admin"));
    }
    expect(() =>
      checkMemberChange(user("ada"), team, { isAdmin: true }, "olive", { kind: "set", isAdmin: true }),
    ).not.toThrow();
  });

  it("refuses every change to the public group", () => {
    expect(() => checkMemberChange(user("max"), publicGroup, null, "max", { kind: "remove" })).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
  });
});
