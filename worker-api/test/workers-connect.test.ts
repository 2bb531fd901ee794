import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import type { WorkerJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type ErrorBody, insertGroup, userIdOf } from "./helpers/bundles.ts";
import { createRun, FakeRunner, GiB, waitFor } from "./runs-fake-runner.ts";

async function adminToken(): Promise<string> {
  const res = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: "codalab", password: "test-admin-password" },
  });
  return res.body.access_token;
}

function listWorkers(token: string) {
  return api<{ workers: WorkerJson[] }>("GET", "/rest/workers", { token });
}

async function connectStatus(path: string, headers: Record<string, string>) {
  const res = await exports.default.fetch(new Request(`http://localhost${path}`, { headers }));
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe("connecting a worker", () => {
  it("registers the worker once per owner and name, and welcomes it with its id", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const name = uniqueName("gpu-box");
    const first = await FakeRunner.connect(token, name);
    first.close();
    const again = await FakeRunner.connect(token, name);
    expect(again.workerId).toBe(first.workerId);
    const { accessToken: other } = await signUpAndLogIn();
    const theirs = await FakeRunner.connect(other, name);
    expect(theirs.workerId).not.toBe(first.workerId);
    again.close();
    theirs.close();
  });

  it("refuses requests that are not a logged-in WebSocket upgrade with a name", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const auth = { authorization: `Bearer ${token}` };
    const plain = await connectStatus("/rest/workers/connect?name=w", auth);
    expect(plain.status).toBe(400);
    expect(plain.body.error.message).toContain("WebSocket");
    const nameless = await connectStatus("/rest/workers/connect", { ...auth, upgrade: "websocket" });
    expect(nameless.status).toBe(400);
    const anonymous = await connectStatus("/rest/workers/connect?name=w", { upgrade: "websocket" });
    expect(anonymous.status).toBe(401);
    const pool = await connectStatus("/rest/workers/connect?name=w&shared_pool=true", {
      ...auth,
      upgrade: "websocket",
    });
    expect(pool.status).toBe(403);
  });

  it("closes the socket of a runner that speaks before hello or speaks another protocol version", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const early = await FakeRunner.open(token, uniqueName("w"));
    early.send({ type: "heartbeat" });
    expect(await early.next("error")).toMatchObject({ code: "hello_expected", fatal: true });
    await waitFor(async () => early.closed, "the socket to close");
    const future = await FakeRunner.open(token, uniqueName("w"));
    future.send({
      type: "hello",
      protocol_version: 99,
      worker_name: "w",
      hostname: "h",
      runtime: "docker",
      capacity: { cpus: 1, gpus: 0, memory_bytes: GiB, free_disk_bytes: GiB },
      runs: [],
      cached_dependencies: [],
    });
    expect(await future.next("error")).toMatchObject({ code: "unsupported_protocol", fatal: true });
  });

  it("answers frames that do not parse with a non-fatal error", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    runner.ws.send("{not json");
    expect(await runner.next("error")).toMatchObject({ code: "invalid_message", fatal: false });
    runner.send({ type: "heartbeat" });
    runner.close();
  });
});

describe("listing workers", () => {
  it("shows own and group workers with capacity and what their runs use; admins see all", async () => {
    const owner = await signUpAndLogIn();
    const member = await signUpAndLogIn();
    const stranger = await signUpAndLogIn();
    const group = await insertGroup(await userIdOf(owner.accessToken), [await userIdOf(member.accessToken)]);
    const name = uniqueName("shared");
    const runner = await FakeRunner.connect(owner.accessToken, name, {
      group,
      tag: "gpu",
      capacity: { cpus: 8, gpus: 1, memory_bytes: 32 * GiB, free_disk_bytes: 500 * GiB },
    });
    const run = await createRun(owner.accessToken, "true", { metadata: { request_cpus: 3, request_memory: "2g" } });
    await runner.accept(run.uuid);

    const own = await listWorkers(owner.accessToken);
    const listed = own.body.workers.find((worker) => worker.name === name);
    expect(listed).toMatchObject({
      id: runner.workerId,
      owner_name: owner.userName,
      group_uuid: group,
      tag: "gpu",
      connected: true,
      cpus: 8,
      gpus: 1,
      memory_bytes: 32 * GiB,
      cpus_used: 3,
      memory_used: 2 * GiB,
      runs: [run.uuid],
      run_count: 1,
      hostname: "test-host",
      shared_pool: false,
    });
    expect((await listWorkers(member.accessToken)).body.workers.map((worker) => worker.id)).toContain(runner.workerId);
    expect((await listWorkers(stranger.accessToken)).body.workers.map((worker) => worker.id)).not.toContain(
      runner.workerId,
    );
    expect((await listWorkers(await adminToken())).body.workers.map((worker) => worker.id)).toContain(runner.workerId);
    expect((await api("GET", "/rest/workers")).status).toBe(401);
    runner.close();
  });
});

describe("the shared pool in the worker list", () => {
  it("shows users the shared pool without its host, group or other users' runs; admins see everything", async () => {
    const admin = await adminToken();
    const name = uniqueName("pool");
    const pool = await FakeRunner.connect(
      admin,
      name,
      {
        hostname: "gpu-17.internal",
        tag: "big",
        capacity: { cpus: 16, gpus: 2, memory_bytes: 64 * GiB, free_disk_bytes: 900 * GiB },
      },
      "&shared_pool=true",
    );
    const alice = await signUpAndLogIn();
    const bob = await signUpAndLogIn();
    const aliceRun = await createRun(alice.accessToken, "sleep 9", {
      metadata: { request_cpus: 2, request_queue: "big" },
    });
    await pool.accept(aliceRun.uuid);
    const bobRun = await createRun(bob.accessToken, "sleep 9", { metadata: { request_cpus: 3, request_queue: "big" } });
    await pool.accept(bobRun.uuid);

    const seenBy = async (token: string) =>
      (await listWorkers(token)).body.workers.find((worker) => worker.id === pool.workerId);
    expect(await seenBy(alice.accessToken)).toMatchObject({
      name,
      owner_name: "codalab",
      shared_pool: true,
      tag: "big",
      connected: true,
      cpus: 16,
      cpus_used: 5,
      gpus: 2,
      memory_bytes: 64 * GiB,
      memory_used: 2 * GiB,
      free_disk_bytes: 900 * GiB,
      hostname: null,
      group_uuid: null,
      runs: [aliceRun.uuid],
      run_count: 2,
    });
    expect((await seenBy(bob.accessToken))?.runs).toEqual([bobRun.uuid]);
    const stranger = await signUpAndLogIn();
    expect(await seenBy(stranger.accessToken)).toMatchObject({ runs: [], run_count: 2, hostname: null });
    expect(await seenBy(admin)).toMatchObject({
      hostname: "gpu-17.internal",
      runs: [aliceRun.uuid, bobRun.uuid].sort(),
      run_count: 2,
    });
    pool.close();
  });

  it("keeps an admin's own workers that are not in the shared pool to the admins", async () => {
    const admin = await adminToken();
    const runner = await FakeRunner.connect(admin, uniqueName("private"));
    const { accessToken } = await signUpAndLogIn();
    const ids = (await listWorkers(accessToken)).body.workers.map((worker) => worker.id);
    expect(ids).not.toContain(runner.workerId);
    expect((await listWorkers(admin)).body.workers.map((worker) => worker.id)).toContain(runner.workerId);
    runner.close();
  });
});

describe("the shared pool", () => {
  it("runs everyone's runs on an admin's shared worker within their parallel-run quota, and charges their time", async () => {
    const admin = await adminToken();
    const pool = await FakeRunner.connect(admin, uniqueName("pool"), {}, "&shared_pool=true");
    const { accessToken: token } = await signUpAndLogIn();
    const userId = await userIdOf(token);
    await env.DB.prepare("update users set parallel_run_quota = 1 where id = ?").bind(userId).run();
    const first = await createRun(token, "sleep 1");
    const second = await createRun(token, "sleep 1");
    await pool.accept(first.uuid);
    const waiting = await waitFor(async () => {
      const res = await api<{ bundle: { state: string; state_details: string } }>(
        "GET",
        `/rest/bundles/${second.uuid}`,
        { token },
      );
      return res.body.bundle.state_details?.startsWith("Waiting for one of your runs") ? res.body.bundle : undefined;
    }, "the parallel-run quota to hold the second run");
    expect(waiting.state_details).toBe(
      "Waiting for one of your runs on shared workers to finish (parallel run quota: 1); this run is next.",
    );
    await pool.upload(first.uuid, [{ type: "file", path: "stdout", data: "" }]);
    pool.send({ type: "run_finished", uuid: first.uuid, exitcode: 0, failure_message: null, usage: { time: 61.2 } });
    await pool.accept(second.uuid);
    const user = await api<{ user: { time_used: number } }>("GET", "/rest/user", { token });
    expect(user.body.user.time_used).toBe(62);
    pool.close();
  });
});

describe("the OpenAPI document", () => {
  it("describes the worker and run endpoints", async () => {
    const res = await api<{ paths: Record<string, unknown> }>("GET", "/rest/openapi.json");
    expect(res.status).toBe(200);
    for (const path of [
      "/rest/workers",
      "/rest/workers/connect",
      "/rest/bundles/{uuid}/kill",
      "/rest/bundles/{uuid}/write",
    ]) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
  });
});
