import { describe, expect, it } from "vitest";
import { runScript } from "./docker-runtime.ts";
import { sampleFromStats } from "./docker-stats.ts";
import { describeImageError } from "./image-errors.ts";

describe("image errors", () => {
  it.each([
    ["invalid reference format: repository name must be lowercase", "invalid image name: Img"],
    [
      "(HTTP code 404) unexpected - pull access denied for img, repository does not exist",
      "image not found: Img (not on this worker, and the registry does not have it)",
    ],
    ["manifest for img:latest not found: manifest unknown", "image not found: Img (not on this worker"],
    [
      "Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host",
      "image not found locally: Img (no registry reachable to pull it)",
    ],
    ["unauthorized: authentication required", "image Img needs registry credentials"],
    ["something odd", "image not found locally: Img (pulling it failed: something odd)"],
  ])("%s", (message, expected) => {
    expect(describeImageError("Img", new Error(message))).toContain(expected);
  });
});

describe("docker stats", () => {
  it("reads memory without the page cache and CPU times in seconds (cgroup v1)", () => {
    expect(
      sampleFromStats({
        memory_stats: { usage: 5000, max_usage: 8000, stats: { total_inactive_file: 1000 } },
        cpu_stats: { cpu_usage: { total_usage: 3e9, usage_in_usermode: 2e9, usage_in_kernelmode: 1e9 } },
      }),
    ).toEqual({ memory: 4000, memory_max: 8000, time_user: 2, time_system: 1, cpu_total: 3 });
  });

  it("copes with cgroup v2 names and missing fields", () => {
    expect(sampleFromStats({ memory_stats: { usage: 100, stats: { inactive_file: 30 } } })).toEqual({ memory: 70 });
    expect(sampleFromStats({})).toEqual({});
    expect(sampleFromStats("nonsense")).toEqual({});
  });
});

describe("the run script", () => {
  it("puts the command on its own lines so comments and & cannot break the redirection", () => {
    expect(runScript("sleep 1 & # bg")).toBe("(\nsleep 1 & # bg\n) >stdout 2>stderr");
  });
});
