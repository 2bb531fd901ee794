import { env } from "cloudflare:test";
import { DISK_QUOTA_KILL_MESSAGE, TIME_QUOTA_KILL_MESSAGE } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { raw } from "./helpers/bundles.ts";
import { createRun, FakeRunner, waitFor, waitForState } from "./runs-fake-runner.ts";

type Quotas = { time_used: number; time_quota: number; disk_used: number; disk_quota: number };

async function adminToken(): Promise<string> {
  const res = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: "codalab", password: "test-admin-password" },
  });
  return res.body.access_token;
}

async function quotas(token: string): Promise<Quotas> {
  const res = await api<{ user: Quotas & { id: string } }>("GET", "/rest/user", { token });
  return res.body.user;
}

async function setQuotas(token: string, values: Partial<Quotas>): Promise<void> {
  const res = await api<{ user: { id: string } }>("GET", "/rest/user", { token });
  for (const [column, value] of Object.entries(values)) {
    await env.DB.prepare(`update users set ${column} = ? where id = ?`).bind(value, res.body.user.id).run();
  }
}

/**
 * A user with a run accepted on a shared-pool worker of the admin. The worker serves only a queue
 * of its own: closed pool workers of earlier tests still count as connected for a while, and must
 * not take other tests' runs, nor this one theirs.
 */
async function runOnPool(metadata: Record<string, unknown> = {}) {
  const queue = uniqueName("q").replaceAll("_", "-");
  const pool = await FakeRunner.connect(
    await adminToken(),
    queue,
    { tag: queue, tag_exclusive: true },
    "&shared_pool=true",
  );
  const user = await signUpAndLogIn();
  const run = await createRun(user.accessToken, "sleep 100", { metadata: { request_queue: queue, ...metadata } });
  await pool.accept(run.uuid);
  return { pool, token: user.accessToken, run };
}

function update(runner: FakeRunner, uuid: string, time: number): void {
  runner.send({ type: "run_update", uuid, stage: "running", run_status: "Running", usage: { time } });
}

describe("time quota", () => {
  it("charges shared-pool time as the runner reports it, each second once, and nothing more at the commit", async () => {
    const { pool, token, run } = await runOnPool();
    update(pool, run.uuid, 10.4);
    await waitFor(async () => (await quotas(token)).time_used === 11, "the first charge");
    update(pool, run.uuid, 10.4);
    update(pool, run.uuid, 20);
    await waitForState(token, run.uuid, "running", (bundle) => bundle.metadata.time === 20);
    expect((await quotas(token)).time_used).toBe(20);
    await pool.upload(run.uuid, [{ type: "file", path: "stdout", data: "" }]);
    pool.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null, usage: { time: 25.5 } });
    pool.ack(await pool.next("mark_finalized"));
    await waitForState(token, run.uuid, "ready");
    expect((await quotas(token)).time_used).toBe(26);
    // A repeated finish report changes nothing: the run is final.
    pool.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null, usage: { time: 40 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await quotas(token)).time_used).toBe(26);
    pool.close();
  });

  it("charges nothing for runs on the owner's own worker", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("own"));
    const run = await createRun(token, "sleep 100");
    await runner.accept(run.uuid);
    update(runner, run.uuid, 500);
    await waitForState(token, run.uuid, "running", (bundle) => bundle.metadata.time === 500);
    expect((await quotas(token)).time_used).toBe(0);
    runner.close();
  });

  it("kills a running run whose owner runs out of time, with CodaLab's message, and it ends killed", async () => {
    const { pool, token, run } = await runOnPool({ request_time: "1m" });
    await setQuotas(token, { time_quota: 120 });
    update(pool, run.uuid, 30);
    await waitFor(async () => (await quotas(token)).time_used === 30, "the charge");
    expect(pool.pending().filter((message) => message.type === "kill")).toEqual([]);
    await setQuotas(token, { time_used: 110 });
    update(pool, run.uuid, 45);
    const kill = await pool.next("kill", (message) => message.uuid === run.uuid);
    expect(kill.message).toBe(TIME_QUOTA_KILL_MESSAGE);
    pool.ack(kill);
    pool.send({
      type: "run_finished",
      uuid: run.uuid,
      exitcode: 137,
      failure_message: kill.message,
      killed: true,
      usage: { time: 46 },
    });
    const killed = await waitForState(token, run.uuid, "killed");
    expect(killed.state_details).toBe(TIME_QUOTA_KILL_MESSAGE);
    expect((await quotas(token)).time_used).toBe(110 + 16);
    pool.close();
  });

  it("fails at staging a run that asks for more time than the owner has left", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    await setQuotas(token, { time_quota: 3600, time_used: 3000 });
    const greedy = await createRun(token, "true", { metadata: { request_time: "1h" } });
    const failed = await waitForState(token, greedy.uuid, "failed");
    expect(failed.state_details).toMatch(/^Requested more time \(1h\) than user time quota left \(10m\) by 50m/);
  });

  it("refuses new runs once the time quota is used up", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    await setQuotas(token, { time_quota: 60, time_used: 60 });
    const res = await api<{ error: { code: string; message: string } }>("POST", "/rest/bundles", {
      token,
      body: { bundle_type: "run", command: "true", metadata: { name: "late" } },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "QUOTA_EXCEEDED", message: "time quota exceeded: 1m of 1m used" });
  });
});

describe("creating bundles", () => {
  it("refuses every kind of bundle once the time or the disk used reaches the quota, saying which", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const bodies = {
      dataset: { metadata: { name: "data" } },
      run: { bundle_type: "run", command: "true", metadata: { name: "late" } },
      make: {
        bundle_type: "make",
        dependencies: [{ child_path: "", parent_uuid: `0x${"a".repeat(32)}`, parent_path: "" }],
        metadata: { name: "m" },
      },
    };
    const create = (body: object) =>
      api<{ error: { code: string; message: string } }>("POST", "/rest/bundles", { token, body });
    await setQuotas(token, { time_quota: 3600, time_used: 3600 });
    for (const [kind, body] of Object.entries(bodies)) {
      const res = await create(body);
      expect(res.status, kind).toBe(403);
      expect(res.body.error, kind).toMatchObject({
        code: "QUOTA_EXCEEDED",
        message: "time quota exceeded: 1h of 1h used",
      });
    }
    await setQuotas(token, { time_used: 0, disk_quota: 1024, disk_used: 2048 });
    for (const [kind, body] of Object.entries(bodies)) {
      const res = await create(body);
      expect(res.status, kind).toBe(403);
      expect(res.body.error.message, kind).toBe("disk quota exceeded: 2k of 1k used; delete bundles to free space");
    }
    await setQuotas(token, { disk_used: 1023 });
    for (const [kind, body] of Object.entries(bodies)) expect((await create(body)).status, kind).toBe(201);
  });
});

describe("requests checked at staging", () => {
  it("fails a run asking for less than 4 MiB of memory, in CodaLab's words", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const tiny = await createRun(token, "true", { metadata: { request_memory: "1m" } });
    const failed = await waitForState(token, tiny.uuid, "failed");
    expect(failed.state_details).toBe("Requested less memory (1m) than minimum limit (4m) by 3m");
  });

  it("fails a run asking for more memory than the server's maximum (MAX_REQUEST_MEMORY)", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const huge = await createRun(token, "true", { metadata: { request_memory: "100g" } });
    const failed = await waitForState(token, huge.uuid, "failed");
    expect(failed.state_details).toBe("Requested more memory (100g) than maximum limit (64g) by 36g");
    expect(failed.metadata.staged_status).toBeNull();
  });
});

describe("disk quota", () => {
  it("kills a running run whose owner is out of disk quota, with CodaLab's message", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("own"));
    const run = await createRun(token, "sleep 100");
    await runner.accept(run.uuid);
    await setQuotas(token, { disk_quota: 100, disk_used: 100 });
    runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
    const kill = await runner.next("kill", (message) => message.uuid === run.uuid);
    expect(kill.message).toBe(DISK_QUOTA_KILL_MESSAGE);
    runner.close();
  });

  it("keeps no results that exceed what is left of the quota: the run fails saying so", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("own"));
    const run = await createRun(token, "true");
    await runner.accept(run.uuid);
    await setQuotas(token, { disk_quota: 1000, disk_used: 997 });
    await runner.upload(run.uuid, [{ type: "file", path: "out", data: "7 bytes" }]);
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null });
    const failed = await waitForState(token, run.uuid, "failed");
    expect(failed.state_details).toBe("Can't save bundle, bundle size 7 greater than user's disk quota left: 3");
    expect(failed).toMatchObject({ is_dir: null });
    expect((await quotas(token)).disk_used).toBe(997);
    expect((await raw("GET", `/rest/bundles/${run.uuid}/contents/blob/out`, { token })).status).toBe(404);
    runner.close();
  });
});
