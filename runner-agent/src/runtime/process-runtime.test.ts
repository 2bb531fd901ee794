import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger.ts";
import { createMountPoints } from "../runs/mount-plan.ts";
import type { StartSpec } from "./container-runtime.ts";
import { parseProcStat, sampleTree } from "./proc-tree.ts";
import { bubblewrapArgs, detectSandbox, ProcessRuntime } from "./process-runtime.ts";

const UUID = `0x${"1".repeat(32)}`;
let base: string;
let spec: StartSpec;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "cl-runner-process-"));
  await mkdir(join(base, "run"));
  await mkdir(join(base, "dep"));
  await writeFile(join(base, "dep/f"), "from the dependency\n");
  spec = {
    uuid: UUID,
    runDir: join(base, "run"),
    command: "echo hi; cat dep/f; echo $HOME $CODALAB; echo x > dep/g",
    image: "ignored",
    mounts: [{ source: join(base, "dep"), target: "dep", type: "directory" }],
    memory: 0,
    cpus: 1,
    gpus: [],
    network: false,
  };
});

describe("bubblewrap arguments", () => {
  it("isolate the run: no network unless asked, read-only dependencies, clean environment, no capabilities", () => {
    const args = bubblewrapArgs(spec, "bash", ["--ro-bind", "/usr", "/usr"]);
    expect(args).toContain("--unshare-net");
    expect(args.join(" ")).toContain(`--ro-bind ${join(base, "dep")} /${UUID}/dep`);
    expect(args.join(" ")).toContain(`--bind ${join(base, "run")} /${UUID}`);
    expect(args.join(" ")).toContain(`--chdir /${UUID} --clearenv --setenv HOME /${UUID} --setenv CODALAB true`);
    expect(args.join(" ")).toContain("--cap-drop ALL");
    expect(args.slice(-3)).toEqual(["bash", "-c", `(\n${spec.command}\n) >stdout 2>stderr`]);
    expect(bubblewrapArgs({ ...spec, network: true, gpus: [1] }, "sh", [])).not.toContain("--unshare-net");
    expect(bubblewrapArgs({ ...spec, gpus: [0, 1] }, "sh", []).join(" ")).toContain("CUDA_VISIBLE_DEVICES 0,1");
  });
});

describe("/proc parsing", () => {
  it("reads a stat line whose command name has spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = "S";
    const stat = parseProcStat(`42 (my (odd) cmd) ${fields.join(" ")}`);
    expect(stat).toMatchObject({
      pid: 42,
      ppid: 4,
      utime: 14,
      stime: 15,
      cutime: 16,
      cstime: 17,
      starttime: 22,
      rssPages: 24,
    });
    expect(parseProcStat("garbage")).toBeNull();
    expect(sampleTree([])).toEqual({});
  });
});

const sandbox = detectSandbox();

describe.skipIf(sandbox.kind !== "bubblewrap")("the process runtime with bubblewrap", () => {
  it("runs the command in the run directory with read-only dependencies", async () => {
    const runtime = new ProcessRuntime({ sandbox, log: silentLogger });
    expect(runtime.mountStyle).toBe("bind");
    await createMountPoints(spec.runDir, spec.mounts, runtime.mountStyle);
    const handle = await runtime.start(spec);
    expect(handle.id).toMatch(/^pid:\d+:\d+$/);
    const exit = await handle.wait();
    expect(exit.exitcode).not.toBe(0);
    expect(await readFile(join(spec.runDir, "stdout"), "utf8")).toBe(`hi\nfrom the dependency\n/${UUID} true\n`);
    expect(await readFile(join(spec.runDir, "stderr"), "utf8")).toMatch(/Read-only file system/);
    await handle.remove();
  });

  it("kills a run, samples its processes, and cannot re-attach after a restart", async () => {
    const runtime = new ProcessRuntime({ sandbox, log: silentLogger });
    const handle = await runtime.start({ ...spec, mounts: [], command: "sleep 30" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sample = await handle.sample();
    expect(sample.memory).toBeGreaterThan(0);
    expect(sample.time_user).toBeGreaterThanOrEqual(0);
    expect(await runtime.reattach(handle.id)).toBeNull();
    const exit = await handle.wait();
    expect(exit.exitcode).toBe(137);
    await handle.kill();
    expect(await handle.sample()).toEqual({});
  });
});

describe("the process runtime without a sandbox", () => {
  it("runs a plain child process with a clean environment and says it is not contained", async () => {
    const runtime = new ProcessRuntime({ sandbox: { kind: "none" }, log: silentLogger });
    expect(runtime.mountStyle).toBe("symlink");
    expect(runtime.notes[0]).toContain("WARNING");
    expect(await runtime.prepareImage()).toBeNull();
    expect(await runtime.removeOrphans()).toEqual([]);
    process.env.CODALAB_PASSWORD = "must-not-leak";
    await createMountPoints(spec.runDir, spec.mounts, runtime.mountStyle);
    const handle = await runtime.start({
      ...spec,
      command: 'cat dep/f; test -z "$CODALAB_PASSWORD" && echo clean $CODALAB',
      gpus: [0],
    });
    expect((await handle.wait()).exitcode).toBe(0);
    expect(await readFile(join(spec.runDir, "stdout"), "utf8")).toBe("from the dependency\nclean true\n");
    delete process.env.CODALAB_PASSWORD;
  });
});
