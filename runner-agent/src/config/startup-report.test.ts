import { describe, expect, it } from "vitest";
import { measureCapacity } from "../capacity.ts";
import { consoleLogger } from "../logger.ts";
import { parseAgentArgs } from "./agent-config.ts";
import { startupReport } from "./startup-report.ts";

function config(argv: string[]) {
  const parsed = parseAgentArgs(argv, {}, { hostname: "box", cwd: "/tmp" });
  if (parsed.help) throw new Error("help");
  return parsed.config;
}

describe("the start-up report", () => {
  it("names the server, runtime, resources, tag and group, then every caveat", () => {
    const lines = startupReport({
      config: config([
        "--tag",
        "gpu",
        "--tag-exclusive",
        "--group",
        "lab",
        "--max-concurrent-runs",
        "2",
        "--exit-after-num-runs",
        "3",
        "--shared-pool",
        "--preemptible",
      ]),
      version: "1.2.3",
      identity: "user alice (from pw)",
      runtime: {
        kind: "docker",
        description: "docker 20.10 (API 1.41)",
        networkAvailable: false,
        notes: ["no bridge"],
      },
      capacity: { cpus: 2, gpus: 0, memory_bytes: 2 ** 33, free_disk_bytes: 2 ** 36 },
      cacheUsedBytes: 0,
      heldRuns: [{ uuid: `0x${"a".repeat(32)}`, stage: "running" }],
    });
    const text = lines.join("\n");
    expect(lines[0]).toBe("cl-runner 1.2.3 starting");
    expect(text).toContain("server:     http://localhost:8787 (user alice (from pw))");
    expect(text).toContain("runtime:    docker: docker 20.10 (API 1.41)");
    expect(text).toContain("network:    none: runs that request network run without it");
    expect(text).toContain("resources:  2 CPUs, 0 GPUs, 8g memory, 64g free disk");
    expect(text).toContain("tag:        gpu (exclusive: only runs asking for it)");
    expect(text).toContain("group:      lab");
    expect(text).toContain(
      "at most 2 runs at once, exit after 3 runs, shared pool requested (honoured for admins only), preemptible",
    );
    expect(text).toContain("held runs:  1 (0xaaaaaaaa running)");
    expect(text).toContain("note:       no bridge");
  });

  it("says what is not set", () => {
    const text = startupReport({
      config: config([]),
      version: "1",
      identity: "worker token",
      runtime: { kind: "process", description: "process", networkAvailable: true, notes: [] },
      capacity: { cpus: 1, gpus: 0, memory_bytes: 1, free_disk_bytes: 1 },
      cacheUsedBytes: 0,
      heldRuns: [],
    }).join("\n");
    expect(text).toContain("tag:        none (untagged runs)");
    expect(text).toContain("group:      none (own runs only)");
    expect(text).toContain("network:    given to runs that request it");
    expect(text).not.toContain("options:");
  });

  it("measures what flags leave open", async () => {
    const capacity = await measureCapacity({ cpus: null, gpus: 1, maxMemory: null, workDir: "/tmp" });
    expect(capacity.cpus).toBeGreaterThan(0);
    expect(capacity.memory_bytes).toBeGreaterThan(0);
    expect(capacity.free_disk_bytes).toBeGreaterThan(0);
    expect(await measureCapacity({ cpus: 3, gpus: 0, maxMemory: 5, workDir: "/nonexistent/x" })).toEqual({
      cpus: 3,
      gpus: 0,
      memory_bytes: 5,
      free_disk_bytes: 0,
    });
  });
});

describe("the console logger", () => {
  it("writes one timestamped line per event, debug only when verbose", () => {
    const lines: string[] = [];
    const log = consoleLogger({ write: (line) => lines.push(line) });
    log.info("two\nlines");
    log.debug("hidden");
    log.warn("w");
    log.error("e");
    consoleLogger({ verbose: true, write: (line) => lines.push(line) }).debug("shown");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO {2}two \| lines$/);
    expect(lines[3]).toContain("DEBUG shown");
  });
});
