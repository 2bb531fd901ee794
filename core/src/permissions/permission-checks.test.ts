import { describe, expect, it } from "vitest";
import {
  canSeeOwnership,
  maskForAnonymous,
  requireFreezable,
  requireNotFrozen,
  requirePermission,
} from "./permission-checks.ts";

const UUID = "0x0123456789abcdef0123456789abcdef";

describe("requirePermission", () => {
  it("passes when the level is enough", () => {
    expect(() => requirePermission("read", "read", "bundle", UUID)).not.toThrow();
    expect(() => requirePermission("all", "read", "worksheet", UUID)).not.toThrow();
  });

  it("refuses with 403 naming the permission, the kind and the uuid", () => {
    expect(() => requirePermission("none", "read", "bundle", UUID)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", message: `you do not have read permission on bundle ${UUID}` }),
    );
    expect(() => requirePermission("read", "all", "worksheet", UUID)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", message: `you do not have all permission on worksheet ${UUID}` }),
    );
  });
});

describe("anonymous masking", () => {
  it("shows ownership of ordinary objects to every reader", () => {
    expect(canSeeOwnership("read", false)).toBe(true);
    expect(maskForAnonymous("read", false, "alice", null)).toBe("alice");
  });

  it("hides ownership of anonymous objects from callers without all", () => {
    expect(canSeeOwnership("read", true)).toBe(false);
    expect(maskForAnonymous("read", true, "alice", null)).toBeNull();
    expect(maskForAnonymous("all", true, "alice", null)).toBe("alice");
  });
});

describe("frozen refusals", () => {
  it("lets unfrozen objects change", () => {
    expect(() => requireNotFrozen("bundle", UUID, null, "edit it")).not.toThrow();
  });

  it("refuses changes to frozen objects with 409 FROZEN and how to unfreeze", () => {
    expect(() => requireNotFrozen("bundle", UUID, 1_700_000_000, "edit it")).toThrow(
      expect.objectContaining({ code: "FROZEN", message: expect.stringContaining("cl edit --unfreeze") }),
    );
    expect(() => requireNotFrozen("worksheet", UUID, 1, "add items")).toThrow(
      expect.objectContaining({
        code: "FROZEN",
        message: `cannot add items: worksheet ${UUID} is frozen (unfreeze it first)`,
      }),
    );
  });

  it("freezes only bundles in a final state", () => {
    for (const state of ["ready", "failed", "killed"] as const)
      expect(() => requireFreezable(UUID, state)).not.toThrow();
    expect(() => requireFreezable(UUID, "running")).toThrow(
      expect.objectContaining({ code: "INVALID_STATE", message: expect.stringContaining("is running") }),
    );
  });
});
