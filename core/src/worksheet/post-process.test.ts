import { describe, expect, it } from "vitest";
import { applyPostProcessor, isKnownPostProcessor, MAX_REGEX_INPUT_LENGTH, toFloat } from "./post-process.ts";

describe("post-processors from the spec and CodaLab's docs", () => {
  it("formats durations, dates and sizes", () => {
    expect(applyPostProcessor("duration", 61)).toBe("1m1s");
    expect(applyPostProcessor("duration", "63")).toBe("1m3s");
    expect(applyPostProcessor("date", 1442488640)).toBe("2015-09-17 11:17:20");
    expect(applyPostProcessor("date", "1427467247")).toMatch(/^2015-03-27/);
    expect(applyPostProcessor("size", 4125)).toBe("4.0k");
  });

  it("applies printf formats to the value as a float", () => {
    expect(applyPostProcessor("%.3f", 0.1234567)).toBe("0.123");
    expect(applyPostProcessor("%.2f", "1.2345")).toBe("1.23");
    expect(applyPostProcessor("%d", true)).toBe("1");
  });

  it("substitutes regular expressions, with \\/ escaping a slash", () => {
    expect(applyPostProcessor("s/a/b", "a-a")).toBe("b-b");
    expect(applyPostProcessor("s/a/b", "aa")).toBe("bb");
    expect(applyPostProcessor("s/(.+)\\/(.+)/\\2\\/\\1", "3/10")).toBe("10/3");
  });

  it("takes substrings with Python slice semantics", () => {
    expect(applyPostProcessor("[2:4]", "abcdef")).toBe("cd");
    expect(applyPostProcessor("[1:2]", "hello")).toBe("e");
    expect(applyPostProcessor("[:2]", "hello")).toBe("he");
    expect(applyPostProcessor("[2:]", "hello")).toBe("llo");
    expect(applyPostProcessor("[-3:]", "hello")).toBe("llo");
    expect(applyPostProcessor("[:-1]", "hello")).toBe("hell");
    expect(applyPostProcessor("[-100:100]", "hello")).toBe("hello");
    expect(applyPostProcessor("[4:2]", "hello")).toBe("");
    expect(applyPostProcessor("[0:2]", "héllo 😀")).toBe("hé");
    expect(applyPostProcessor("[6:7]", "héllo 😀")).toBe("😀");
    expect(applyPostProcessor("[1:]", ["a", "b", "c"])).toEqual(["b", "c"]);
  });

  it("chains functions separated by ' | '", () => {
    expect(applyPostProcessor("date | [0:4]", 1442488640)).toBe("2015");
    expect(applyPostProcessor("uuid | [0:8]", "x")).toBe("<invalid function: uuid>");
  });

  it("builds link dictionaries with key and add", () => {
    const uuid = "0x223abce2364c439596f05b5da0fa7e5d";
    expect(applyPostProcessor("key uuid", uuid)).toEqual({ uuid });
    expect(applyPostProcessor("key uuid | add path /stdout", uuid)).toEqual({ uuid, path: "/stdout" });
    expect(applyPostProcessor("key uuid | add path /stdout | add text StandardOutput", uuid)).toEqual({
      uuid,
      path: "/stdout",
      text: "StandardOutput",
    });
  });

  it("stringifies with str", () => {
    expect(applyPostProcessor("str", 42)).toBe("42");
    expect(applyPostProcessor("str | [0:1]", 42)).toBe("4");
    expect(applyPostProcessor("str", null)).toBe("");
    expect(applyPostProcessor("str", { a: 1 })).toBe('{"a":1}');
    expect(applyPostProcessor("str", true)).toBe("true");
  });
});

describe("post-processor failures", () => {
  it("leaves the value unchanged when a function fails", () => {
    expect(applyPostProcessor("duration", "soon")).toBe("soon");
    expect(applyPostProcessor("size", "")).toBe("");
    expect(applyPostProcessor("%.2f", "n/a")).toBe("n/a");
    expect(applyPostProcessor("%d %d", 3)).toBe(3);
    expect(applyPostProcessor("s/a/b", 5)).toBe(5);
    expect(applyPostProcessor("s/(/b", "a")).toBe("a");
    expect(applyPostProcessor("[a:2]", "hello")).toBe("hello");
    expect(applyPostProcessor("[0:b]", "hello")).toBe("hello");
    expect(applyPostProcessor("[0:2]", 12345)).toBe(12345);
    expect(applyPostProcessor("add path /stdout", "not a dict")).toBe("not a dict");
    expect(applyPostProcessor("key a | add onlykey", "v")).toEqual({ a: "v" });
  });

  it("stops the pipeline at a failed function, keeping the value it had", () => {
    expect(applyPostProcessor("duration | [0:2]", "soon")).toBe("soon");
    expect(applyPostProcessor("[0:4] | duration | [0:2]", "12ab")).toBe("12ab");
  });

  it("passes null through the number formatters", () => {
    expect(applyPostProcessor("date", null)).toBeNull();
    expect(applyPostProcessor("%.1f", null)).toBeNull();
  });

  it("names unknown functions and malformed substitutions", () => {
    expect(applyPostProcessor("upper", "x")).toBe("<invalid function: upper>");
    expect(applyPostProcessor("[0]", "x")).toBe("<invalid function: [0]>");
    expect(applyPostProcessor("s/a/b/", "x")).toBe("<invalid regex: s/a/b/>");
    expect(applyPostProcessor("s/a", "x")).toBe("<invalid regex: s/a>");
  });

  it("treats a missing or blank post-processor as none", () => {
    expect(applyPostProcessor(null, "x")).toBe("x");
    expect(applyPostProcessor("  ", "x")).toBe("x");
  });

  it("skips substitutions on very long values", () => {
    const long = "a".repeat(MAX_REGEX_INPUT_LENGTH + 1);
    expect(applyPostProcessor("s/a/b", long)).toBe(long);
  });
});

describe("Python regular expressions in substitutions", () => {
  it("translates named groups and their references", () => {
    expect(applyPostProcessor("s/(?P<word>\\w+)-(?P=word)/\\g<word>", "ab-ab cd")).toBe("ab cd");
    expect(applyPostProcessor("s/(\\d+)/<\\g<1>>", "run 42")).toBe("run <42>");
  });

  it("supports leading inline flags and \\A / \\Z anchors", () => {
    expect(applyPostProcessor("s/(?i)RUN/job", "run Run")).toBe("job job");
    expect(applyPostProcessor("s/\\Aa/X", "aa")).toBe("Xa");
    expect(applyPostProcessor("s/a\\Z/X", "aa")).toBe("aX");
    expect(applyPostProcessor("s/(?x)a/b", "a")).toBe("a");
  });

  it("expands escapes in the replacement and rejects bad ones", () => {
    expect(applyPostProcessor("s/ /\\t", "a b")).toBe("a\tb");
    expect(applyPostProcessor("s/b/\\\\", "abc")).toBe("a\\c");
    expect(applyPostProcessor("s/b/$1", "abc")).toBe("a$1c");
    expect(applyPostProcessor("s/b/\\.", "abc")).toBe("a\\.c");
    expect(applyPostProcessor("s/b/\\d", "abc")).toBe("abc");
    expect(applyPostProcessor("s/(b)/\\2", "abc")).toBe("abc");
    expect(applyPostProcessor("s/(?P<x>b)/\\g<y>", "abc")).toBe("abc");
    expect(applyPostProcessor("s/b/\\g", "abc")).toBe("abc");
    expect(applyPostProcessor("s/(b)|(z)/[\\2]", "abc")).toBe("a[]c");
    expect(applyPostProcessor("s/b/x\\", "abc")).toBe("abc");
  });
});

describe("reading numbers like Python's float()", () => {
  it("accepts numeric text, booleans and special values", () => {
    expect(toFloat(" 1e3 ")).toBe(1000);
    expect(toFloat("1_000.5")).toBe(1000.5);
    expect(toFloat(".5")).toBe(0.5);
    expect(toFloat("5.")).toBe(5);
    expect(toFloat("-Infinity")).toBe(Number.NEGATIVE_INFINITY);
    expect(toFloat("inf")).toBe(Number.POSITIVE_INFINITY);
    expect(toFloat("NaN")).toBeNaN();
    expect(toFloat(false)).toBe(0);
  });

  it("refuses anything else", () => {
    expect(toFloat("")).toBeNull();
    expect(toFloat("0x10")).toBeNull();
    expect(toFloat("1_")).toBeNull();
    expect(toFloat([1])).toBeNull();
    expect(toFloat(null)).toBeNull();
  });
});

describe("recognizing post-processors", () => {
  it("accepts pipelines of known functions only", () => {
    expect(isKnownPostProcessor("date | [0:4]")).toBe(true);
    expect(isKnownPostProcessor("%.3f")).toBe(true);
    expect(isKnownPostProcessor("key uuid | add path /stdout | str | size | duration")).toBe(true);
    expect(isKnownPostProcessor("s/a/b")).toBe(true);
    expect(isKnownPostProcessor("s/a/b/c")).toBe(false);
    expect(isKnownPostProcessor("acc")).toBe(false);
    expect(isKnownPostProcessor("")).toBe(false);
  });
});
