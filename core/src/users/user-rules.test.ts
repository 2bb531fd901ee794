import { describe, expect, it } from "vitest";
import { ANONYMOUS_CALLER, type PermissionCaller } from "../permissions/effective-permission.ts";
import { canSeePrivateUserFields, checkUserDeletion, checkUserUpdate } from "./user-rules.ts";

const user = (userId: string, isAdmin = false): PermissionCaller => ({
  kind: "user",
  userId,
  isAdmin,
  groupUuids: new Set(),
});
const nothing = { bundles: 0, worksheets: 0, groups: 0, workerRuns: 0 };
const alice = { id: "alice-id", userName: "alice", isAdmin: false };

describe("canSeePrivateUserFields", () => {
  it("shows private fields to the user and to admins only", () => {
    expect(canSeePrivateUserFields(user("alice-id"), "alice-id")).toBe(true);
    expect(canSeePrivateUserFields(user("root", true), "alice-id")).toBe(true);
    expect(canSeePrivateUserFields(user("bob-id"), "alice-id")).toBe(false);
    expect(canSeePrivateUserFields(ANONYMOUS_CALLER, "alice-id")).toBe(false);
  });
});

describe("checkUserUpdate", () => {
  it("lets users edit their own profile and admins anyone's, quotas included", () => {
    expect(() => checkUserUpdate(user("alice-id"), "alice-id", ["first_name", "url"])).not.toThrow();
    expect(() => checkUserUpdate(user("root", true), "alice-id", ["disk_quota", "affiliation"])).not.toThrow();
  });

  it("refuses editing someone else's account", () => {
    expect(() => checkUserUpdate(user("bob-id"), "alice-id", ["first_name"])).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", message: "you can only edit your own account" }),
    );
  });

  it("refuses users raising their own quotas, naming the fields", () => {
    expect(() => checkUserUpdate(user("alice-id"), "alice-id", ["first_name", "disk_quota", "time_quota"])).toThrow(
      expect.objectContaining({
        code: "FORBIDDEN",
        message: "only instance administrators can change disk_quota, time_quota",
      }),
    );
  });

  it("refuses an edit that changes nothing", () => {
    expect(() => checkUserUpdate(user("alice-id"), "alice-id", [])).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});

describe("checkUserDeletion", () => {
  it("lets users delete their own empty account, and admins anyone's", () => {
    expect(() => checkUserDeletion(user("alice-id"), alice, nothing)).not.toThrow();
    expect(() => checkUserDeletion(user("root", true), alice, nothing)).not.toThrow();
  });

  it("refuses deleting someone else's account", () => {
    expect(() => checkUserDeletion(user("bob-id"), alice, nothing)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", message: "you can only delete your own account" }),
    );
  });

  it("refuses while the user still owns things, counting each kind", () => {
    expect(() =>
      checkUserDeletion(user("alice-id"), alice, { ...nothing, bundles: 2, worksheets: 1, groups: 3 }),
    ).toThrow(
      expect.objectContaining({
        code: "CONFLICT",
        message:
          "cannot delete user alice: they still own 2 bundles, 1 worksheet and 3 groups; delete them or give them to someone else first",
        details: { bundles: 2, worksheets: 1, groups: 3, workerRuns: 0 },
      }),
    );
    expect(() => checkUserDeletion(user("root", true), alice, { ...nothing, groups: 1 })).toThrow(
      expect.objectContaining({ message: expect.stringContaining("they still own 1 group;") }),
    );
  });

  it("refuses while the user's workers are running runs", () => {
    expect(() => checkUserDeletion(user("alice-id"), alice, { ...nothing, workerRuns: 1 })).toThrow(
      expect.objectContaining({
        code: "CONFLICT",
        message: "cannot delete user alice: their workers are running 1 run; wait for them to finish",
      }),
    );
  });

  it("never deletes an administrator account", () => {
    expect(() =>
      checkUserDeletion(user("root", true), { id: "root", userName: "codalab", isAdmin: true }, nothing),
    ).toThrow(
      expect.objectContaining({
        code: "FORBIDDEN",
        message: "codalab is an administrator account: it cannot be deleted",
      }),
    );
  });
});
