import { describe, expect, it } from "vitest";
import {
  hasPermission,
  isPermissionLevel,
  maxPermission,
  parsePermission,
  permissionFromRank,
  permissionRank,
} from "./permission-level.ts";

describe("parsePermission", () => {
  it("reads every spelling CodaLab accepts, in any case and with spaces around", () => {
    expect(["n", "none", "N"].map(parsePermission)).toEqual(["none", "none", "none"]);
    expect(["r", "read", " READ "].map(parsePermission)).toEqual(["read", "read", "read"]);
    expect(["a", "all", "All"].map(parsePermission)).toEqual(["all", "all", "all"]);
  });

  it("refuses anything else with a message listing the spellings", () => {
    for (const text of ["", "write", "2", "rw"]) {
      expect(() => parsePermission(text)).toThrow(
        expect.objectContaining({
          code: "VALIDATION_FAILED",
          message: expect.stringContaining("n/none, r/read or a/all"),
        }),
      );
    }
  });
});

describe("permission ranks", () => {
  it("maps stored ranks to levels, clamping out-of-range ranks", () => {
    expect([-1, 0, 1, 2, 3].map(permissionFromRank)).toEqual(["none", "none", "read", "all", "all"]);
    expect(["none", "read", "all"].map((level) => permissionRank(parsePermission(level)))).toEqual([0, 1, 2]);
  });

  it("orders none < read < all", () => {
    expect(hasPermission("all", "read")).toBe(true);
    expect(hasPermission("read", "read")).toBe(true);
    expect(hasPermission("read", "all")).toBe(false);
    expect(hasPermission("none", "read")).toBe(false);
    expect(hasPermission("none", "none")).toBe(true);
    expect(maxPermission("read", "all")).toBe("all");
    expect(maxPermission("read", "none")).toBe("read");
  });

  it("recognises level names only", () => {
    expect(isPermissionLevel("read")).toBe(true);
    expect(isPermissionLevel("r")).toBe(false);
    expect(isPermissionLevel(1)).toBe(false);
  });
});
