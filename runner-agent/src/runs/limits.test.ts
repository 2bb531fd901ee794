import { describe, expect, it } from "vitest";
import { diedOfMemory, exceededLimit, nextDiskCheckDelay } from "./limits.ts";

const requirements = { time: 10, memory: 1000, disk: 5000 };

describe("resource limits", () => {
  it("finds the limit a run went over", () => {
    expect(exceededLimit({ elapsed: 5, memory: 10, disk: 10, requirements, checkMemory: true })).toBeNull();
    expect(exceededLimit({ elapsed: 10.5, requirements, checkMemory: true })).toBe("Time limit exceeded.");
    expect(exceededLimit({ elapsed: 1, memory: 1001, requirements, checkMemory: true })).toBe("Memory limit exceeded.");
    expect(exceededLimit({ elapsed: 1, disk: 5001, requirements, checkMemory: true })).toBe("Disk limit exceeded.");
  });

  it("leaves memory to a runtime that enforces it, and treats 0 as no limit", () => {
    expect(exceededLimit({ elapsed: 1, memory: 9999, requirements, checkMemory: false })).toBeNull();
    const none = { time: 0, memory: 0, disk: 0 };
    expect(exceededLimit({ elapsed: 1e9, memory: 1e12, disk: 1e12, requirements: none, checkMemory: true })).toBeNull();
  });

  it("tells a memory death from our own kill", () => {
    const base = { exitcode: 137, oomKilled: false, killedByUs: false, memoryLimit: 1000 };
    expect(diedOfMemory({ ...base, oomKilled: true })).toBe(true);
    expect(diedOfMemory({ ...base, memoryMax: 990 })).toBe(true);
    expect(diedOfMemory({ ...base, memoryMax: 100 })).toBe(false);
    expect(diedOfMemory({ ...base, killedByUs: true, memoryMax: 1000 })).toBe(false);
    expect(diedOfMemory({ ...base, exitcode: 1, memoryMax: 1000 })).toBe(false);
    expect(diedOfMemory({ ...base, memoryLimit: 0, memoryMax: 1000 })).toBe(false);
  });

  it("spends at most a tenth of the time measuring the disk", () => {
    expect(nextDiskCheckDelay(10)).toBe(1000);
    expect(nextDiskCheckDelay(500)).toBe(4500);
    expect(nextDiskCheckDelay(10, 50)).toBe(90);
  });
});
