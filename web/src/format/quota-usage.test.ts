import { describe, expect, it } from "vitest";
import { quotaUsage } from "./quota-usage.ts";

describe("quotaUsage", () => {
  it("gives the used share for drawing and reading", () => {
    expect(quotaUsage(250, 1000)).toEqual({ fraction: 0.25, percentText: "25%", level: "normal" });
  });

  it("says <1% for a little usage rather than 0%", () => {
    expect(quotaUsage(1, 1000)?.percentText).toBe("<1%");
    expect(quotaUsage(0, 1000)?.percentText).toBe("0%");
  });

  it("rounds the percentage down so an almost full quota does not read as full", () => {
    expect(quotaUsage(996, 1000)).toMatchObject({ percentText: "99%", level: "high" });
  });

  it("warns from 90% and marks a quota used up at 100%", () => {
    expect(quotaUsage(899, 1000)?.level).toBe("normal");
    expect(quotaUsage(900, 1000)?.level).toBe("high");
    expect(quotaUsage(1000, 1000)).toEqual({ fraction: 1, percentText: "100%", level: "full" });
  });

  it("clamps the bar but not the text when usage is over quota", () => {
    expect(quotaUsage(1300, 1000)).toEqual({ fraction: 1, percentText: "130%", level: "full" });
  });

  it("treats negative usage as none", () => {
    expect(quotaUsage(-5, 1000)).toEqual({ fraction: 0, percentText: "0%", level: "normal" });
  });

  it("has nothing to say without a positive, finite quota or usage", () => {
    expect(quotaUsage(5, 0)).toBeUndefined();
    expect(quotaUsage(5, -1)).toBeUndefined();
    expect(quotaUsage(5, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(quotaUsage(Number.NaN, 10)).toBeUndefined();
  });
});
