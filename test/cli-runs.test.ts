/**
 * Runs end to end: the real `cl` against a real local instance and a real runner agent process
 * (the one `npm start` attaches), in Docker with the locally built default image when a daemon
 * answers (DOCKER_HOST), else in the process runtime. Covers run, dependencies under their keys,
 * make, kill, write, the failure paths a user meets, and `cl workers`.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalRunner, type LocalRuntime, prepareLocalRuntime, startLocalRunner } from "../scripts/local-runner.ts";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const adminUsername = inject("adminUsername");
const adminPassword = inject("adminPassword");
const admin = { CODALAB_USERNAME: adminUsername, CODALAB_PASSWORD: adminPassword };
const UUID = /^0x[0-9a-f]{32}$/;
const FINAL = ["ready", "failed", "killed"];

let home: string;
let work: string;
let runtime: LocalRuntime;
let runner: LocalRunner;
let workerName: string;
let token: string;

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  work = await mkdtemp(join(tmpdir(), "cl-runs-e2e-"));
  runtime = await prepareLocalRuntime();
  workerName = `e2e-${runtime.kind}-${Date.now().toString(36)}`;
  runner = await startLocalRunner({
    server: baseUrl,
    username: adminUsername,
    password: adminPassword,
    runtime: runtime.kind,
    workDir: join(work, "runner"),
    name: workerName,
  });
  const login = await fetch(`${baseUrl}/rest/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: adminUsername, password: adminPassword }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await runner?.stop();
});

function cl(args: string[]) {
  return runCl(args, { home, env: admin });
}

/** Runs `cl` expecting success and returns its stdout. */
async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cl(args);
  expect(stderr, `cl ${args.join(" ")}`).toBe("");
  expect(code).toBe(0);
  return stdout;
}

/** Creates a bundle with `cl run`/`cl make`/`cl upload` and returns the one line it printed. */
async function create(...args: string[]): Promise<string> {
  const uuid = (await ok(...args)).trim();
  expect(uuid).toMatch(UUID);
  return uuid;
}

type BundleState = { state: string; metadata: Record<string, unknown>; state_details: string | null };

async function bundleState(uuid: string): Promise<BundleState> {
  const response = await fetch(`${baseUrl}/rest/bundles/${uuid}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { bundle: BundleState }).bundle;
}

/**
 * Waits (test-side, by asking the API) until the bundle is in one of `states`; fails early, with
 * the runner's log, when it lands in another final state.
 */
async function waitFor(uuid: string, states: readonly string[], timeoutMs = 40_000): Promise<BundleState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bundle = await bundleState(uuid);
    if (states.includes(bundle.state)) return bundle;
    if (FINAL.includes(bundle.state) || Date.now() > deadline) {
      throw new Error(
        `bundle ${uuid} is ${bundle.state} (${bundle.state_details}), not ${states.join("/")}\n${runner.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** stderr of a refused command: exactly one error line and one hint line, no stack trace. */
function expectRefusal(result: { code: number; stdout: string; stderr: string }, message: string | RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: \S/);
}

describe("cl run", () => {
  it("runs a command to ready and cl cat prints its stdout", async () => {
    const uuid = await create("run", "echo hi");
    await waitFor(uuid, ["ready"]);
    expect(await ok("cat", `${uuid}/stdout`)).toBe("hi\n");
    expect(await ok("info", uuid, "-f", "name,state,command,exitcode")).toBe("run-echo\tready\techo hi\t0\n");
  });

  it("mounts dependencies read-only under their keys and leaves them out of the result", async () => {
    await mkdir(join(work, "data/sub"), { recursive: true });
    await writeFile(join(work, "data/sub/a.txt"), "from a\n");
    await writeFile(join(work, "b.txt"), "from b\n");
    const data = await create("upload", join(work, "data"), "-n", "e2e-data");
    await create("upload", join(work, "b.txt"), "-n", "e2e-b.txt");
    const uuid = await create(
      "run",
      "in:e2e-data",
      ":e2e-b.txt",
      `${data}/sub`,
      "cat in/sub/a.txt e2e-b.txt b3/a.txt %e2e-data%/sub/a.txt; echo x > in/new 2>/dev/null || echo read-only",
    );
    const bundle = await waitFor(uuid, ["ready"]);
    expect(await ok("cat", `${uuid}/stdout`)).toBe("from a\nfrom b\nfrom a\nfrom a\nread-only\n");
    const listing = await ok("cat", uuid);
    expect(listing).toMatch(/^stdout /m);
    expect(listing).not.toMatch(/^(in|e2e-b\.txt|b3|b4) /m);
    expect(bundle.metadata.name).toBe("run-cat");
  });

  it("ends failed with the exit code when the command fails", async () => {
    const uuid = await create("run", "echo partial; exit 3");
    const bundle = await waitFor(uuid, ["failed"]);
    expect(bundle.metadata.exitcode).toBe(3);
    expect(bundle.state_details).toMatch(/exit code 3/i);
    expect(await ok("cat", `${uuid}/stdout`)).toBe("partial\n");
  });

  it("ends failed with a clear message when the image does not exist", async ({ skip }) => {
    if (runtime.kind !== "docker") skip("the process runtime runs on the host system and ignores images");
    const uuid = await create("run", "--request-docker-image", "codalab/no-such-image:1", "echo never");
    const bundle = await waitFor(uuid, ["failed"]);
    expect(bundle.state_details).toMatch(/codalab\/no-such-image:1/);
    expect(bundle.state_details).toMatch(/not found/);
  });

  it("with -t, prints the run's stdout and stderr as they are written and returns when it is done", async () => {
    const result = await cl(["run", "-t", "echo out; echo err >&2; sleep 0.5; echo more"]);
    expect(result.code).toBe(0);
    const [uuid = "", ...rest] = result.stdout.split("\n");
    expect(uuid).toMatch(UUID);
    expect(rest.join("\n")).toBe("out\nmore\n");
    expect(result.stderr).toBe("err\n");
    expect((await bundleState(uuid)).state).toBe("ready");
  });

  it("with -W, waits, prints the run's info and fails when the run failed", async () => {
    const result = await cl(["run", "-W", "exit 4"]);
    expect(result.code).toBe(1);
    const [uuid = ""] = result.stdout.split("\n");
    expect(uuid).toMatch(UUID);
    expect(result.stdout).toMatch(/^state +: failed$/m);
    expect(result.stdout).toMatch(/^exitcode +: 4$/m);
    expectRefusal({ ...result, stdout: "" }, new RegExp(`^error: bundle ${uuid} is failed: `));
  });

  it("refuses a dependency that does not exist", async () => {
    expectRefusal(
      await cl(["run", "in:no-such-bundle-e2e", "cat in"]),
      /^error: no bundle found matching 'no-such-bundle-e2e'/,
    );
  });

  it("refuses bad keys and malformed units before creating anything", async () => {
    expectRefusal(await cl(["run", "../up:e2e-data", "ls"]), `dependency key "../up" may not contain a '..' segment`);
    expectRefusal(await cl(["run", "/abs:e2e-data", "ls"]), /^error: dependency key "\/abs" must be a relative path/);
    expectRefusal(
      await cl(["run", "a:e2e-data", "a/b:e2e-data", "ls"]),
      /^error: dependency key 'a' and 'a\/b' overlap/,
    );
    expectRefusal(
      await cl(["run", "--request-memory", "2x", "ls"]),
      /^error: invalid request_memory: invalid size "2x"/,
    );
    expectRefusal(await cl(["run", "--request-time", "soon", "ls"]), /^error: invalid request_time: invalid duration/);
  });

  it("refuses requests beyond what is left of the caller's quotas", async () => {
    expectRefusal(
      await cl(["run", "--request-time", "2y", "ls"]),
      /^error: Requested more time \(2y\) than user time quota left \(\S+\) by /,
    );
    expectRefusal(
      await cl(["run", "--request-disk", "100t", "ls"]),
      /^error: Requested more disk \(100t\) than user disk quota left \(\S+\) by /,
    );
  });
});

describe("cl make", () => {
  it("makes a bundle that is one target, and one of keyed targets", async () => {
    const one = await create("make", "e2e-data/sub/a.txt");
    const both = await create("make", "x:e2e-data/sub", "y:e2e-b.txt", "-n", "e2e-combined");
    await waitFor(one, ["ready"]);
    await waitFor(both, ["ready"]);
    expect(await ok("cat", one)).toBe("from a\n");
    expect(await ok("info", one, "-f", "name")).toBe("a.txt\n");
    expect(await ok("cat", `${both}/x/a.txt`)).toBe("from a\n");
    expect(await ok("cat", `${both}/y`)).toBe("from b\n");
  });
});

describe("cl kill and cl write", () => {
  it("kills a running sleep", async () => {
    const uuid = await create("run", "sleep 300");
    await waitFor(uuid, ["running"]);
    expect(await ok("kill", uuid)).toBe(`${uuid}\n`);
    const bundle = await waitFor(uuid, ["killed"]);
    expect(bundle.state_details).toMatch(/Kill requested/);
    expectRefusal(
      await cl(["kill", uuid]),
      "Cannot execute this action on a bundle that is in the following states: ready, failed, killed.",
    );
  });

  it("writes a file the running command is waiting for", async () => {
    const uuid = await create("run", "while [ ! -f go ]; do sleep 0.1; done; cat go");
    await waitFor(uuid, ["running"]);
    expect(await ok("write", `${uuid}/go`, "hello from cl write")).toBe(`${uuid}\n`);
    await waitFor(uuid, ["ready"]);
    expect(await ok("cat", `${uuid}/stdout`)).toBe("hello from cl write");
    expectRefusal(await cl(["write", `${uuid}/late`, "x"]), /^error: Cannot execute this action/);
  });
});

describe("cl run and cl make with -w", () => {
  it("add the new bundle to the worksheet named, and look names up there", async () => {
    const name = `e2e-runs-${Date.now().toString(36)}`;
    const created = await fetch(`${baseUrl}/rest/worksheets`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    expect(created.status).toBe(201);
    const worksheet = ((await created.json()) as { worksheet: { uuid: string } }).worksheet.uuid;
    const run = await create("run", "-w", name, "echo on a worksheet");
    // Names are looked up on the -w worksheet: the run just added there.
    const made = await create("make", "-w", name, "run-echo/stdout");
    await waitFor(made, ["ready"]);
    expect(await ok("cat", made)).toBe("on a worksheet\n");
    const response = await fetch(`${baseUrl}/rest/worksheets/${worksheet}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { items } = (await response.json()) as { items: { bundle_uuid: string | null }[] };
    expect(items.map((item) => item.bundle_uuid)).toEqual([run, made]);
    expectRefusal(await cl(["run", "-w", `${name}-missing`, "echo"]), /^error: .*worksheet/i);
  });
});

describe("the process runtime", () => {
  it("runs with dependencies on a runner without Docker, targeted by its tag", async () => {
    // With Docker the main runner uses it: a second runner, tag-exclusive, covers the process
    // runtime (without Docker the main runner already is one).
    const tag = "process-e2e";
    const second =
      runtime.kind === "docker"
        ? await startLocalRunner({
            server: baseUrl,
            username: adminUsername,
            password: adminPassword,
            runtime: "process",
            workDir: join(work, "process-runner"),
            name: `${workerName}-process`,
            extraArgs: ["--tag", tag, "--tag-exclusive"],
          })
        : undefined;
    try {
      const queue = runtime.kind === "docker" ? ["--request-queue", tag] : [];
      const uuid = await create("run", ...queue, "in:e2e-data", "cat in/sub/a.txt; touch in/new || echo read-only");
      await waitFor(uuid, ["ready"]);
      expect(await ok("cat", `${uuid}/stdout`)).toBe("from a\nread-only\n");
      expect(await ok("info", uuid, "-f", "runtime")).toBe("process\n");
    } finally {
      await second?.stop();
    }
  });
});

describe("cl workers", () => {
  it("lists the runner with its resources", async () => {
    const table = await ok("workers");
    const [header = "", dashes = "", ...rows] = table.trimEnd().split("\n");
    expect(header).toMatch(/^worker_id +cpus +gpus +memory +free_disk +last_checkin +connected /);
    expect(dashes).toMatch(/^-+$/);
    const row = rows.find((line) => line.startsWith(`${workerName} `));
    expect(row, table).toMatch(
      new RegExp(`^${workerName} +\\d+/\\d+ +0/0 +\\S+ +\\S+ +\\d+(\\.\\d)?[smhd]\\S* ago +True `),
    );
    const workers = JSON.parse(await ok("workers", "--json")) as { name: string; runtime: string }[];
    expect(workers.find((worker) => worker.name === workerName)?.runtime).toBe(runtime.kind);
  });
});
