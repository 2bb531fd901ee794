/**
 * Several runner agents on one machine, attached to one local instance (issue 9, scale checks):
 * each run lands on the runner whose tag and resources fit, a request no runner can meet waits
 * with the reason, and a runner killed mid-run (SIGKILL, as when its host dies) loses nothing: a
 * preemptible one's run is re-staged and finishes elsewhere, another's waits in worker_offline.
 * Runners are real `cl-runner` processes (Docker when a daemon answers, else the process
 * runtime); runs are made with the real `cl`.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalRunner, type LocalRuntime, prepareLocalRuntime, startLocalRunner } from "../scripts/local-runner.ts";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const adminUsername = inject("adminUsername");
const adminPassword = inject("adminPassword");
const admin = { CODALAB_USERNAME: adminUsername, CODALAB_PASSWORD: adminPassword };
/** Tags of this run of the suite only: no other runner may take these runs. */
const suffix = Date.now().toString(36);

let home: string;
let work: string;
let runtime: LocalRuntime;
let token: string;
const runners = new Map<string, LocalRunner>();

type Bundle = { state: string; state_details: string | null; metadata: Record<string, unknown> };

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  work = await mkdtemp(join(tmpdir(), "runners-scale-e2e-"));
  runtime = await prepareLocalRuntime();
  const login = await fetch(`${baseUrl}/rest/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: adminUsername, password: adminPassword }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await Promise.all([...runners.values()].map((runner) => runner.kill()));
});

/** A runner named `scale-<name>-<suffix>` with its own work directory. */
async function startRunner(name: string, args: string[]): Promise<string> {
  const workerName = `scale-${name}-${suffix}`;
  const runner = await startLocalRunner({
    server: baseUrl,
    username: adminUsername,
    password: adminPassword,
    runtime: runtime.kind,
    workDir: join(work, name),
    name: workerName,
    extraArgs: args,
  });
  runners.set(workerName, runner);
  return workerName;
}

async function rest<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

/** The server's id of each worker, by name. */
async function workerIds(): Promise<Map<string, string>> {
  const { workers } = await rest<{ workers: { id: string; name: string }[] }>("/rest/workers");
  return new Map(workers.map((worker) => [worker.name, worker.id]));
}

async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCl(args, { home, env: admin });
  expect(stderr, `cl ${args.join(" ")}`).toBe("");
  expect(code).toBe(0);
  return stdout;
}

async function run(command: string, ...options: string[]): Promise<string> {
  return (await ok("run", command, ...options)).trim();
}

function runnersLog(): string {
  return [...runners].map(([name, runner]) => `--- ${name}\n${runner.output()}`).join("\n");
}

/** Polls the API until the bundle is in `state` and `also` holds; fails with the runners' logs. */
async function waitFor(
  uuid: string,
  state: string,
  timeoutMs = 60_000,
  also: (bundle: Bundle) => boolean = () => true,
): Promise<Bundle> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { bundle } = await rest<{ bundle: Bundle }>(`/rest/bundles/${uuid}`);
    if (bundle.state === state && also(bundle)) return bundle;
    if (Date.now() > deadline || (["ready", "failed", "killed"].includes(bundle.state) && bundle.state !== state)) {
      throw new Error(`${uuid} is ${bundle.state} (${bundle.state_details}), not ${state}\n${runnersLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("several runners on one instance", () => {
  it("sends each run to the runner whose tag and resources fit, and says why one cannot run", async () => {
    const smallTag = `small-${suffix}`;
    const bigTag = `big-${suffix}`;
    const small = await startRunner("small", [
      "--tag",
      smallTag,
      "--tag-exclusive",
      "--cpus",
      "1",
      "--max-memory",
      "1g",
    ]);
    const big = await startRunner("big", ["--tag", bigTag, "--tag-exclusive", "--cpus", "2", "--max-memory", "3g"]);

    const onSmall = await run("echo small", "--request-queue", smallTag, "--request-memory", "256m");
    const onBig = await run("echo big", "--request-queue", bigTag, "--request-memory", "2g", "--request-cpus", "2");
    const tooBig = await run("echo never", "--request-queue", smallTag, "--request-memory", "2g");

    const ids = await workerIds();
    expect((await waitFor(onSmall, "ready")).metadata.remote).toBe(ids.get(small));
    expect((await waitFor(onBig, "ready")).metadata.remote).toBe(ids.get(big));
    expect(await ok("cat", `${onBig}/stdout`)).toBe("big\n");

    const waiting = await waitFor(tooBig, "staged", 20_000, (bundle) => bundle.state_details !== null);
    expect(waiting.state_details).toMatch(/^No worker can ever satisfy this request/);
    // Admins see it in the queue with the same reason.
    const queue = await ok("queue");
    expect(queue).toContain(tooBig.slice(0, 10));
    expect(queue).toContain("No worker can ever satisfy this request");

    const workers = await ok("workers");
    expect(workers).toMatch(new RegExp(`${small}\\s+0/1\\s`));
    expect(workers).toMatch(new RegExp(`${big}\\s+0/2\\s`));
    await ok("kill", tooBig);
    await waitFor(tooBig, "killed");
  }, 120_000);

  it("re-stages the run of a preemptible runner killed mid-run, and it finishes on another", async () => {
    const tag = `spot-${suffix}`;
    const first = await startRunner("spot1", ["--tag", tag, "--tag-exclusive", "--preemptible"]);
    const uuid = await run("sleep 5; echo survived", "--request-queue", tag);
    await waitFor(uuid, "running");

    await runners.get(first)?.kill();
    const second = await startRunner("spot2", ["--tag", tag, "--tag-exclusive", "--preemptible"]);
    const ids = await workerIds();
    const done = await waitFor(uuid, "ready", 90_000);
    expect(done.metadata.remote).toBe(ids.get(second));
    expect(done.metadata.remote_history).toContain(ids.get(first));
    expect(await ok("cat", `${uuid}/stdout`)).toBe("survived\n");
  }, 150_000);

  it("keeps the run of a killed runner that is not preemptible in worker_offline, where it can be killed", async () => {
    const tag = `steady-${suffix}`;
    const steady = await startRunner("steady", ["--tag", tag, "--tag-exclusive"]);
    const uuid = await run("sleep 60", "--request-queue", tag);
    await waitFor(uuid, "running");

    await runners.get(steady)?.kill();
    await waitFor(uuid, "worker_offline", 60_000);
    expect((await ok("workers")).split("\n").find((line) => line.startsWith(steady))).toMatch(/\sFalse\s/);
    expect(await ok("queue")).toMatch(new RegExp(`${uuid.slice(0, 10)}.*worker_offline.*${steady}`));

    await ok("kill", uuid);
    await waitFor(uuid, "killed", 30_000);
  }, 120_000);
});
