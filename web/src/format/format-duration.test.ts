import { describe, expect, it } from "vitest";
import { formatDuration } from "./format-duration.ts";

describe("formatDuration", () => {
  it("shows zero and sub-second amounts", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(0.4)).toBe("<1s");
  });

  it("shows the largest unit and the next one", () => {
    expect(formatDuration(45)).toBe("45s");
    expect(formatDuration(61)).toBe("1m 1s");
    expect(formatDuration(3 * 3600 + 12 * 60 + 59)).toBe("3h 12m");
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe("2d 4h");
  });

  it("leaves out a zero second unit", () => {
    expect(formatDuration(3600)).toBe("1h");
    expect(formatDuration(86400 + 30 * 60)).toBe("1d");
  });

  it("counts a year as 365 days, as quotas do", () => {
    expect(formatDuration(365 * 86400)).toBe("1y");
    expect(formatDuration(366 * 86400)).toBe("1y 1d");
  });

  it("rounds down so usage is never overstated", () => {
    expect(formatDuration(59.9)).toBe("59s");
  });

  it("says unknown for negative or non-finite input", () => {
    expect(formatDuration(-5)).toBe("unknown");
    expect(formatDuration(Number.NaN)).toBe("unknown");
  });
});
