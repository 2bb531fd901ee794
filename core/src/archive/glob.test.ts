import { describe, expect, it } from "vitest";
import { compileGlob, globMatch } from "./glob.ts";

describe("globMatch", () => {
  it("matches * and ? within one segment, dot files included", () => {
    expect(globMatch("*.pyc", "module.pyc")).toBe(true);
    expect(globMatch("*.pyc", "module.py")).toBe(false);
    expect(globMatch("*", ".git")).toBe(true);
    expect(globMatch("*", "a/b")).toBe(false);
    expect(globMatch("file?.txt", "file1.txt")).toBe(true);
    expect(globMatch("file?.txt", "file10.txt")).toBe(false);
    expect(globMatch("?", "/")).toBe(false);
    expect(globMatch("?", "名")).toBe(true);
  });

  it("crosses directories only with **", () => {
    expect(globMatch("**/*.log", "a/b/c.log")).toBe(true);
    expect(globMatch("**/*.log", "c.log")).toBe(true);
    expect(globMatch("build/**", "build/x/y")).toBe(true);
    expect(globMatch("a/**b", "a/x/yb")).toBe(true);
    expect(globMatch("a/*/c", "a/b/c")).toBe(true);
    expect(globMatch("a/*/c", "a/b/b/c")).toBe(false);
  });

  it("supports classes, ranges, negation and a leading ]", () => {
    expect(globMatch("[abc].txt", "b.txt")).toBe(true);
    expect(globMatch("[abc].txt", "d.txt")).toBe(false);
    expect(globMatch("[a-c]x", "bx")).toBe(true);
    expect(globMatch("[!a-c]x", "dx")).toBe(true);
    expect(globMatch("[^a-c]x", "ax")).toBe(false);
    expect(globMatch("[!a]", "/")).toBe(false);
    expect(globMatch("[]]", "]")).toBe(true);
    expect(globMatch("[-a]", "-")).toBe(true);
    expect(globMatch("[a-]", "-")).toBe(true);
    expect(globMatch("[\\]x]", "]")).toBe(true);
    expect(globMatch("[\\-]", "-")).toBe(true);
  });

  it("treats regex syntax, escapes and unterminated classes literally", () => {
    expect(globMatch("a+b(c).{d}|$^", "a+b(c).{d}|$^")).toBe(true);
    expect(globMatch("a.b", "axb")).toBe(false);
    expect(globMatch("\\*", "*")).toBe(true);
    expect(globMatch("\\*", "x")).toBe(false);
    expect(globMatch("[abc", "[abc")).toBe(true);
    expect(globMatch("[!", "[!")).toBe(true);
    expect(globMatch("a-b", "a-b")).toBe(true);
    expect(globMatch("trailing\\", "trailing\\")).toBe(true);
    expect(globMatch("new*line", "new\nline")).toBe(true);
  });

  it("refuses a backwards range with a clear error", () => {
    expect(() => compileGlob("[z-a]")).toThrow(/invalid glob pattern "\[z-a\]"/);
  });
});
