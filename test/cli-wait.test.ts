/**
 * Waiting for runs and following their output end to end: the real `cl wait` and the follow
 * function `cl run -W/-t` uses, against a real local instance and a real runner agent process
 * (Docker with the default image when a daemon answers, else the process runtime). Nothing here
 * polls: state comes from the bundle event stream and output from followed files.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WireBundle } from "../cli/src/api/bundle-wire.ts";
import { nodeHttpFetch, releaseConnections } from "../cli/src/node/http-transport.ts";
import { createOutput } from "../cli/src/output/output.ts";
import { followBundle, RUN_OUTPUT } from "../cli/src/runs/follow.ts";
import { createTestClient } from "../cli/src/testing/test-context.ts";
import { type LocalRunner, prepareLocalRuntime, startLocalRunner } from "../scripts/local-runner.ts";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };
const UUID = /^0x[0-9a-f]{32}$/;

let home: string;
let runner: LocalRunner;

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  const runtime = await prepareLocalRuntime();
  runner = await startLocalRunner({
    server: baseUrl,
    username: admin.CODALAB_USERNAME,
    password: admin.CODALAB_PASSWORD,
    runtime: runtime.kind,
    workDir: join(await mkdtemp(join(tmpdir(), "cl-wait-e2e-")), "runner"),
    name: `e2e-wait-${Date.now().toString(36)}`,
  });
});

afterAll(async () => {
  releaseConnections();
  await runner?.stop();
});

const cl = (...args: string[]) => runCl(args, { home, env: admin });

async function run(command: string): Promise<string> {
  const result = await cl("run", command);
  expect(result.stderr).toBe("");
  const uuid = result.stdout.trim();
  expect(uuid).toMatch(UUID);
  return uuid;
}

describe("cl wait", () => {
  it("returns with the uuid once the run is ready", async () => {
    const uuid = await run("sleep 1; echo done");
    const result = await cl("wait", uuid);
    expect(result).toEqual({ code: 0, stdout: `${uuid}\n`, stderr: "" });
    expect((await cl("cat", `${uuid}/stdout`)).stdout).toBe("done\n");
  });

  it("with -t, prints stdout and stderr as they are written, then the uuid", async () => {
    const uuid = await run("echo out; echo err >&2; sleep 1; echo more");
    const result = await cl("wait", "-t", uuid);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`out\nmore\n${uuid}\n`);
    expect(result.stderr).toBe("err\n");
  });

  it("with -t and a path, prints that file only", async () => {
    const uuid = await run("echo a > log; sleep 1; echo b >> log; echo noise");
    const result = await cl("wait", "-t", `${uuid}/log`);
    expect(result).toEqual({ code: 0, stdout: `a\nb\n${uuid}\n`, stderr: "" });
  });

  it("fails naming the state when the run fails", async () => {
    const failed = await run("exit 3");
    const result = await cl("wait", failed);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: bundle ${failed} is failed: Exit code 3\nhint: see \`cl info ${failed}\` and its stderr: \`cl cat ${failed}/stderr\`\n`,
    );
  });

  it("fails naming the state when the run is killed while it waits", async () => {
    const sleeper = await run("sleep 60");
    const waiting = cl("wait", sleeper);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await cl("kill", sleeper)).code).toBe(0);
    const killed = await waiting;
    expect(killed.code).toBe(1);
    expect(killed.stderr).toMatch(new RegExp(`^error: bundle ${sleeper} is killed`));
  });

  it("refuses a bundle that does not exist", async () => {
    const result = await cl("wait", "no-such-bundle-for-wait");
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).toMatch(/^error: .*no-such-bundle-for-wait/);
  });
});

describe("the follow function of cl run -W/-t", () => {
  it("hands over each line while the run is still running, in order, none twice", async () => {
    const { ctx } = createTestClient({ fetch: nodeHttpFetch, env: admin });
    const client = ctx.client(baseUrl);
    const uuid = await run("for i in 1 2 3; do echo line $i; echo warn $i >&2; sleep 1; done");
    let state = "";
    const arrivals: { text: string; state: string }[] = [];
    let stdout = "";
    let stderr = "";
    const out = createOutput({
      stdout: () => undefined,
      stderr: () => undefined,
      stdoutBytes: (bytes) => {
        const text = new TextDecoder().decode(bytes);
        stdout += text;
        arrivals.push({ text, state });
      },
      stderrBytes: (bytes) => {
        stderr += new TextDecoder().decode(bytes);
      },
    });
    const final: WireBundle = await followBundle(client, uuid, {
      out,
      tail: RUN_OUTPUT,
      fromStart: true,
      onChange: (bundle) => {
        state = bundle.state;
      },
    });
    expect(final.state).toBe("ready");
    expect(stdout).toBe("line 1\nline 2\nline 3\n");
    expect(stderr).toBe("warn 1\nwarn 2\nwarn 3\n");
    // Streamed, not delivered at the end: the lines (a second apart) came in several pieces, the
    // first while the run ran (its output may beat the event that says it is running).
    expect(arrivals.length).toBeGreaterThan(1);
    expect(["preparing", "running"]).toContain(arrivals[0]?.state);
  });
});
