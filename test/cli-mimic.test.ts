/**
 * Provenance re-runs end to end (spec §10.1, §10.5): the real `cl` against a real instance and a
 * real runner. A three-step pipeline (two runs and a make) is built on a worksheet, new data is
 * uploaded, and `cl mimic old new` recreates the analogous bundles, which compute on the new data
 * and appear on the worksheet with the old bundles' preludes. Also `-n`, `--dry-run`, `--shadow`,
 * `--memoize`, `cl macro`, `cl run -m` and the refusals.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalRunner, prepareLocalRuntime, startLocalRunner } from "../scripts/local-runner.ts";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };
const UUID = /^0x[0-9a-f]{32}$/;
const PLAN_LINE = /^([\w.-]+)\((0x[0-9a-f]{32})\) => ([\w.-]+)\((0x[0-9a-f]{32}|dry run)\)$/;

let home: string;
let runner: LocalRunner;

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  const work = await mkdtemp(join(tmpdir(), "cl-mimic-e2e-"));
  const runtime = await prepareLocalRuntime();
  runner = await startLocalRunner({
    server: baseUrl,
    username: admin.CODALAB_USERNAME,
    password: admin.CODALAB_PASSWORD,
    runtime: runtime.kind,
    workDir: join(work, "runner"),
    name: `e2e-mimic-${Date.now().toString(36)}`,
  });
});

afterAll(async () => {
  await runner?.stop();
});

function cl(...args: string[]) {
  return runCl(args, { home, env: admin });
}

async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cl(...args);
  expect(stderr, `cl ${args.join(" ")}`).toBe("");
  expect(code).toBe(0);
  return stdout;
}

async function create(...args: string[]): Promise<string> {
  const uuid = (await ok(...args)).trim();
  expect(uuid).toMatch(UUID);
  return uuid;
}

function expectRefusal(result: { code: number; stdout: string; stderr: string }, message: string | RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: \S/);
}

/** The plan lines of a mimic: [old name, old uuid, new name, new uuid], and the last line. */
function planOf(stdout: string) {
  const lines = stdout.trimEnd().split("\n");
  const last = lines.at(-1) ?? "";
  const steps = lines.slice(0, -1).map((line) => {
    const match = PLAN_LINE.exec(line);
    expect(match, line).not.toBeNull();
    return { oldName: match?.[1], old: match?.[2], name: match?.[3], uuid: match?.[4] ?? "" };
  });
  return { steps, last };
}

let counter = 0;
async function freshWorksheet(): Promise<string> {
  counter += 1;
  const name = `mimic-${Date.now().toString(36)}-${counter}`;
  await create("new", name);
  await ok("work", name);
  return name;
}

/** data → sorted (run, with code) → top (run) → report (make); all ready. */
async function pipeline() {
  await freshWorksheet();
  const data = await create("upload", "-c", "3\n1\n2\n", "-n", "data");
  const code = await create("upload", "-c", 'sort -n "$1"', "-n", "code");
  await ok("add", "text", "## sorted numbers", "% display contents stdout");
  const sorted = await create("run", "-n", "sorted", "data:data", "code:code", "sh code data");
  const top = await create("run", "-n", "top", "s:sorted", "head -n 2 s/stdout");
  const report = await create("make", "-n", "report", "top:top");
  await ok("wait", report);
  return { data, code, sorted, top, report };
}

describe("cl mimic", () => {
  it("recreates the pipeline on new data, in order, on the worksheet with the old preludes", async () => {
    const old = await pipeline();
    const data2 = await create("upload", "-c", "9\n7\n8\n", "-n", "data2");
    const result = await ok("mimic", "data", "data2");
    const { steps, last } = planOf(result);
    expect(steps.map((step) => [step.old, step.name])).toEqual([
      [old.sorted, "sorted"],
      [old.top, "top"],
      [old.report, "report"],
    ]);
    expect(last).toBe(steps[2]?.uuid);
    await ok("wait", last);
    expect(await ok("cat", `${last}/top/stdout`)).toBe("7\n8\n");
    expect(await ok("cat", `${old.report}/top/stdout`)).toBe("1\n2\n");
    const source = await ok("print", "-r");
    const [sorted2, top2, report2] = steps.map((step) => step.uuid);
    // The prelude of `sorted` comes with its analogue, and the new bundles follow the new data.
    const order = [old.sorted, old.report, data2, sorted2, top2, report2].map((uuid) => source.indexOf(uuid ?? "?"));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(source.split("## sorted numbers\n% display contents stdout\n")).toHaveLength(3);
  });

  it("with an output, recreates only the path to it, names it -n and prints the plan on --dry-run", async () => {
    const old = await pipeline();
    await create("upload", "-c", "5\n4\n", "-n", "data2");
    const before = await ok("print", "-r");
    const dry = planOf(`${await ok("mimic", "data", "top", "data2", "-n", "v2", "--dry-run")}end`);
    expect(dry.steps.map((step) => [step.old, step.name, step.uuid])).toEqual([
      [old.sorted, "v2-sorted", "dry run"],
      [old.top, "v2", "dry run"],
    ]);
    expect(await ok("print", "-r")).toBe(before);
    const { steps, last } = planOf(await ok("mimic", "data", "top", "data2", "-n", "v2", "-W"));
    expect(steps.map((step) => step.name)).toEqual(["v2-sorted", "v2"]);
    expect(last).toBe(steps[1]?.uuid);
    expect(await ok("cat", `${last}/stdout`)).toBe("4\n5\n");
  });

  it("with --shadow, puts each new bundle right after the old one; with -m reuses identical runs", async () => {
    const old = await pipeline();
    const shadowed = planOf(await ok("mimic", "--shadow", old.top));
    const again = shadowed.steps[0]?.uuid ?? "";
    const source = await ok("print", "-r");
    expect(source.indexOf(again)).toBeGreaterThan(source.indexOf(old.top));
    expect(source.indexOf(again)).toBeLessThan(source.indexOf(old.report));
    const memo = planOf(await ok("mimic", "-m", "data", "data"));
    // Same inputs: every run already exists, only the make is new.
    expect(memo.steps.map((step) => step.uuid).slice(0, 1)).toEqual([old.sorted]);
  });

  it("refuses an uploaded bundle alone, no bundles, an unknown one and a bad --depth", async () => {
    await pipeline();
    expectRefusal(
      await cl("mimic", "data"),
      /^error: nothing to recreate: data \(0x[0-9a-f]{32}\) is an uploaded dataset/,
    );
    expectRefusal(await cl("mimic"), /^error: mimic needs bundles: <bundle>, <old> <new>/);
    expectRefusal(
      await cl("mimic", "no-such-bundle-mimic", "data"),
      /^error: no bundle found matching 'no-such-bundle-mimic'/,
    );
    expectRefusal(await cl("mimic", "--depth", "x", "data", "data"), 'invalid --depth "x"');
    expectRefusal(
      await cl("mimic", "--depth", "0", "data", "data"),
      /^error: nothing to recreate: no run or make bundle depends on 0x[0-9a-f]{32} within --depth 0$/,
    );
  });
});

describe("cl macro and cl run -m", () => {
  it("runs a macro by its naming convention and names the output new", async () => {
    await freshWorksheet();
    await create("upload", "-c", "b\na\n", "-n", "sort-in1");
    await ok("wait", await create("run", "-n", "sort-out", "in:sort-in1", "sort in"));
    await create("upload", "-c", "z\ny\n", "-n", "letters");
    const { steps, last } = planOf(await ok("macro", "sort", "letters", "-W"));
    expect(steps.map((step) => [step.oldName, step.name])).toEqual([["sort-out", "new"]]);
    expect(await ok("cat", `${last}/stdout`)).toBe("y\nz\n");
    expectRefusal(await cl("macro", "nosuch", "letters"), /^error: no bundle found matching 'nosuch-in1'/);
  });

  it("returns the existing run with -m and adds it to the worksheet", async () => {
    await freshWorksheet();
    await create("upload", "-c", "x\n", "-n", "in");
    const first = await create("run", "-n", "count", "i:in", "wc -l i");
    const again = await create("run", "-m", "i:in", "wc -l i");
    expect(again).toBe(first);
    expect((await ok("print", "-r")).split(first)).toHaveLength(3);
    expect(await create("run", "-m", "i:in", "wc -c i")).not.toBe(first);
  });
});
