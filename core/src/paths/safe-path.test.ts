import { describe, expect, it } from "vitest";
import { basename, isWithin, normalizeSubpath, resolveLinkInBundle } from "./safe-path.ts";

describe("normalizeSubpath", () => {
  it("drops empty and '.' segments", () => {
    expect(normalizeSubpath("a//b/./c/")).toBe("a/b/c");
    expect(normalizeSubpath("")).toBe("");
    expect(normalizeSubpath(".")).toBe("");
  });
  it("refuses '..' anywhere, absolute paths, NUL and newlines", () => {
    expect(() => normalizeSubpath("../other")).toThrow(/'\.\.'/);
    expect(() => normalizeSubpath("a/../../b")).toThrow(/'\.\.'/);
    expect(() => normalizeSubpath("/etc/passwd")).toThrow(/relative/);
    expect(() => normalizeSubpath("C:\\x")).toThrow(/relative/);
    expect(() => normalizeSubpath("a\0b")).toThrow(/NUL/);
    expect(() => normalizeSubpath("a\nb", "dependency key")).toThrow(/^dependency key/);
  });
  it("keeps names with spaces, quotes, unicode and leading dashes", () => {
    expect(normalizeSubpath('-rf/it\'s a ünïcode "file"')).toBe('-rf/it\'s a ünïcode "file"');
  });
});

describe("containment and links", () => {
  it("compares by whole segments", () => {
    expect(isWithin("a/b", "a/b/c")).toBe(true);
    expect(isWithin("a/b", "a/bc")).toBe(false);
    expect(isWithin("", "x")).toBe(true);
  });
  it("resolves relative links inside the bundle and refuses escaping ones", () => {
    expect(resolveLinkInBundle("dir/link", "../file")).toBe("file");
    expect(resolveLinkInBundle("dir/link", "./sub/x")).toBe("dir/sub/x");
    expect(resolveLinkInBundle("link", "/etc/passwd")).toBeNull();
    expect(resolveLinkInBundle("dir/link", "../../etc")).toBeNull();
  });
  it("takes basenames", () => {
    expect(basename("a/b/c.txt")).toBe("c.txt");
    expect(basename("c/")).toBe("c");
    expect(basename("")).toBe("");
  });
});
