import { describe, expect, it } from "vitest";
import { liveDelay } from "./live-schedule.ts";

describe("liveDelay", () => {
  it("backs off from 1 s to 2 s to at least 3 s, slower when the server is slow", () => {
    expect([0, 1, 2, 9].map((round) => liveDelay(round, 100))).toEqual([1000, 2000, 3000, 3000]);
    expect(liveDelay(5, 1200)).toBe(6000);
  });
});
