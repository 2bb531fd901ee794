import { describe, expect, it } from "vitest";
import { readProcessInfo } from "./proc-info.ts";

describe("readProcessInfo", () => {
  it.runIf(process.platform === "linux")("reads this process from /proc", () => {
    expect(readProcessInfo(process.pid)).toMatchObject({ pid: process.pid, ppid: process.ppid });
  });

  it("returns undefined for a process that does not exist", () => {
    expect(readProcessInfo(2 ** 30)).toBeUndefined();
  });
});
