import { describe, expect, it } from "vitest";
import { MAX_MEMBER_NAME_BYTES, MAX_MEMBER_PATH_BYTES, normalizeMemberPath, parentPath } from "./member-path.ts";

describe("normalizeMemberPath", () => {
  it("drops '.', empty segments and trailing slashes; '' is the root", () => {
    expect(normalizeMemberPath("./a//b/./c/")).toBe("a/b/c");
    expect(normalizeMemberPath("./")).toBe("");
    expect(normalizeMemberPath("")).toBe("");
  });

  it("keeps quotes, spaces, unicode, leading dashes, newlines and backslashes", () => {
    for (const name of [`it's "q"`, "a b", "ünï/名前", "-rf", "new\nline", "cr\rlf", "back\\slash"]) {
      expect(normalizeMemberPath(name)).toBe(name);
    }
  });

  it("refuses absolute paths, '..' and NUL, naming the member", () => {
    expect(() => normalizeMemberPath("/tmp/evil")).toThrow(`archive member "/tmp/evil": absolute paths`);
    expect(() => normalizeMemberPath("C:\\evil")).toThrow(/absolute paths/);
    expect(() => normalizeMemberPath("../evil")).toThrow(/'\.\.' is not allowed/);
    expect(() => normalizeMemberPath("a/../b")).toThrow(/'\.\.' is not allowed/);
    expect(() => normalizeMemberPath("a\0b")).toThrow(/NUL/);
  });

  it("refuses names and paths longer than Linux allows", () => {
    expect(normalizeMemberPath("n".repeat(MAX_MEMBER_NAME_BYTES))).toHaveLength(MAX_MEMBER_NAME_BYTES);
    expect(() => normalizeMemberPath("n".repeat(MAX_MEMBER_NAME_BYTES + 1))).toThrow(/component is longer/);
    expect(() => normalizeMemberPath("é".repeat(128))).toThrow(/component is longer/);
    const deep = Array.from({ length: 20 }, () => "d".repeat(250)).join("/");
    expect(deep.length).toBeGreaterThan(MAX_MEMBER_PATH_BYTES);
    expect(() => normalizeMemberPath(deep)).toThrow(/path is longer/);
  });
});

describe("parentPath", () => {
  it("returns the containing directory, '' at the top", () => {
    expect(parentPath("a/b/c")).toBe("a/b");
    expect(parentPath("a")).toBe("");
    expect(parentPath("")).toBe("");
  });
});
