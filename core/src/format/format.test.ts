import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import { formatDate } from "./date.ts";
import { formatDuration, parseDuration } from "./duration.ts";
import { formatSize, parseSize } from "./size.ts";

describe("sizes", () => {
  it("formats like CodaLab's size post-processor", () => {
    expect(formatSize(0)).toBe("0");
    expect(formatSize(1000)).toBe("1000");
    expect(formatSize(4125)).toBe("4.0k");
    expect(formatSize(1024)).toBe("1k");
    expect(formatSize(3 * 1024 ** 3)).toBe("3g");
    expect(formatSize(1.5 * 1024 ** 3)).toBe("1.5g");
    expect(formatSize(500 * 1024 ** 2)).toBe("500m");
    expect(formatSize(150.5 * 1024)).toBe("150k");
    expect(formatSize(-2048)).toBe("-2k");
  });
  it("parses units case-insensitively with optional B/iB suffixes", () => {
    expect(parseSize("3")).toBe(3);
    expect(parseSize("3k")).toBe(3072);
    expect(parseSize("2.5g")).toBe(2.5 * 1024 ** 3);
    expect(parseSize("10 MiB")).toBe(10 * 1024 ** 2);
    expect(parseSize("1GB")).toBe(1024 ** 3);
  });
  it("refuses sizes it cannot read with a clear error", () => {
    expect(() => parseSize("lots")).toThrow(CodalabError);
    expect(() => parseSize("-3g")).toThrow(/invalid size/);
  });
});

describe("durations", () => {
  it("formats with at most two units", () => {
    expect(formatDuration(61)).toBe("1m1s");
    expect(formatDuration(3600)).toBe("1h");
    expect(formatDuration(1.5)).toBe("1.5s");
    expect(formatDuration(90061)).toBe("1d1h");
    expect(formatDuration(-5)).toBe("-5s");
  });
  it("parses plain seconds, units and combinations", () => {
    expect(parseDuration("30")).toBe(30);
    expect(parseDuration("3m")).toBe(180);
    expect(parseDuration("1.5h")).toBe(5400);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("1y")).toBe(31536000);
  });
  it("refuses durations it cannot read", () => {
    expect(() => parseDuration("soon")).toThrow(/invalid duration/);
    expect(() => parseDuration("3m soon")).toThrow(CodalabError);
    expect(() => parseDuration("")).toThrow(CodalabError);
  });
});

describe("dates", () => {
  it("formats unix seconds in UTC", () => {
    expect(formatDate(1442488640)).toBe("2015-09-17 11:17:20");
    expect(formatDate(Number.NaN)).toBe("NaN");
  });
});
