import { describe, expect, it } from "vitest";
import { MAX_GENPATH_LINES, parseFileValue, selectKeyPath, splitLines, splitLinesKeepEnds } from "./file-value.ts";

function value(text: string) {
  const result = parseFileValue(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("parsing a file behind a genpath", () => {
  it("reads the docs' JSON, YAML and tab-separated stats files alike", () => {
    expect(value('{"errorRate": 0.2, "method": "simple"}')).toEqual({ errorRate: 0.2, method: "simple" });
    expect(value("errorRate: 0.2\nmethod: simple\n")).toEqual({ errorRate: 0.2, method: "simple" });
    expect(value("errorRate\t0.2\nmethod\tsimple\n")).toEqual({ errorRate: "0.2", method: "simple" });
  });

  it("splits TSV lines on the first tab after trimming, skipping lines left without one", () => {
    expect(value("a\tb\tc\r\n  k\tv  \nempty\t\n")).toEqual({ a: "b\tc", k: "v" });
    expect(value("__proto__\tx\n")).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it("falls back to raw text when nothing parses", () => {
    expect(value("a: b: c\n")).toBe("a: b: c\n");
    expect(value("--- 1\n--- 2\n")).toBe("--- 1\n--- 2\n");
  });

  it("reads plain text as a YAML scalar, as PyYAML's safe_load does", () => {
    expect(value("hello world\n")).toBe("hello world");
    expect(value("42\n")).toBe(42);
    expect(value("yes\n")).toBe(true);
  });

  it("gives an empty string for an empty file and null for a blank one", () => {
    expect(value("")).toBe("");
    expect(value("\n")).toBeNull();
  });

  it("accepts YAML with repeated keys (last wins) and turns dates into text", () => {
    expect(value("a: 1\na: 2\n")).toEqual({ a: 2 });
    expect(value("day: 2001-12-14\n")).toEqual({ day: "2001-12-14T00:00:00.000Z" });
    expect(value("s: !!set {a, b}\n")).toEqual({ s: ["a", "b"] });
  });

  it("does not run custom YAML tags", () => {
    expect(value("x: !!python/object:os.system ls\n")).toEqual({ x: "ls" });
  });

  it("reads at most the first 10 000 lines", () => {
    const text = `${Array.from({ length: MAX_GENPATH_LINES + 5 }, (_, i) => `k${i}\tv${i}`).join("\n")}\n`;
    const table = value(text) as Record<string, string>;
    expect(Object.keys(table)).toHaveLength(MAX_GENPATH_LINES);
    expect(table[`k${MAX_GENPATH_LINES}`]).toBeUndefined();
  });

  it("refuses binary content without throwing", () => {
    expect(parseFileValue("PNG\u0000\u0001\u0002")).toEqual({ ok: false, error: "binary file" });
  });
});

describe("selecting a key path", () => {
  const stats = { train: { errorRate: 0.2, history: [0.5, 0.3, 0.2] }, method: "simple", none: null };

  it("walks dict keys and list indices split by /", () => {
    expect(selectKeyPath(stats, "train/errorRate")).toBe(0.2);
    expect(selectKeyPath(stats, "train/history/1")).toBe(0.3);
    expect(selectKeyPath(stats, "train/history/-1")).toBe(0.2);
    expect(selectKeyPath(stats, null)).toBe(stats);
  });

  it("gives null for anything missing", () => {
    expect(selectKeyPath(stats, "test/errorRate")).toBeNull();
    expect(selectKeyPath(stats, "train/history/9")).toBeNull();
    expect(selectKeyPath(stats, "train/history/last")).toBeNull();
    expect(selectKeyPath(stats, "method/length")).toBeNull();
    expect(selectKeyPath(stats, "none/x")).toBeNull();
    expect(selectKeyPath(stats, "toString")).toBeNull();
  });
});

describe("splitting lines like Python", () => {
  it("keeps or drops terminators and never adds a trailing empty line", () => {
    expect(splitLinesKeepEnds("a\r\nb\rc\n")).toEqual(["a\r\n", "b\r", "c\n"]);
    expect(splitLinesKeepEnds("a\nb")).toEqual(["a\n", "b"]);
    expect(splitLines("a\u2028b\n\nc", 3)).toEqual(["a", "b", ""]);
  });
});
