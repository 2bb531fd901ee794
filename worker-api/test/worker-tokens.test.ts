import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import type { CreatedWorkerToken, WorkerJson, WorkerTokenJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type ErrorBody, raw, readyFileBundle } from "./helpers/bundles.ts";
import { createRun, FakeRunner, waitFor, waitForState } from "./runs-fake-runner.ts";

async function makeToken(userToken: string, workerName: string): Promise<CreatedWorkerToken> {
  const res = await api<CreatedWorkerToken>("POST", "/rest/workers/tokens", {
    token: userToken,
    body: { worker_name: workerName },
  });
  if (res.status !== 201) throw new Error(`create token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function connectStatus(token: string, name: string) {
  const res = await exports.default.fetch(
    new Request(`http://localhost/rest/workers/connect?worker_name=${name}`, {
      headers: { upgrade: "websocket", authorization: `Bearer ${token}` },
    }),
  );
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe("worker tokens", () => {
  it("are made for a named worker (registered at once), listed without secrets and stored hashed", async () => {
    const { accessToken: user } = await signUpAndLogIn();
    const name = uniqueName("box");
    const created = await makeToken(user, name);
    expect(created.token).toMatch(/^clw_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ worker_name: name, revoked_at: null });
    const workers = await api<{ workers: WorkerJson[] }>("GET", "/rest/workers", { token: user });
    expect(workers.body.workers.find((worker) => worker.name === name)).toMatchObject({
      id: created.worker_id,
      connected: false,
    });
    const listed = await api<{ tokens: WorkerTokenJson[] }>("GET", "/rest/workers/tokens", { token: user });
    expect(listed.body.tokens).toEqual([
      {
        id: created.id,
        worker_id: created.worker_id,
        worker_name: name,
        created_at: created.created_at,
        revoked_at: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.token);
    const stored = await env.DB.prepare("select token_hash, kind from auth_tokens where id = ?")
      .bind(created.id)
      .first();
    expect(stored).toMatchObject({ kind: "worker" });
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuse bad worker names, anonymous callers, and worker tokens making tokens", async () => {
    const { accessToken: user } = await signUpAndLogIn();
    const bad = await api<ErrorBody>("POST", "/rest/workers/tokens", { token: user, body: { worker_name: "a b" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("may not contain spaces, slashes or control characters");
    expect((await api("POST", "/rest/workers/tokens", { body: { worker_name: "w" } })).status).toBe(401);
    const { token } = await makeToken(user, uniqueName("box"));
    const nested = await api<ErrorBody>("POST", "/rest/workers/tokens", { token, body: { worker_name: "w" } });
    expect(nested.status).toBe(403);
    expect(nested.body.error.code).toBe("WORKER_TOKEN_NOT_ALLOWED");
  });

  it("are refused on user routes with a clear 403", async () => {
    const { accessToken: user } = await signUpAndLogIn();
    const { token } = await makeToken(user, uniqueName("box"));
    for (const [method, path, body] of [
      ["GET", "/rest/user", undefined],
      ["GET", "/rest/workers", undefined],
      ["POST", "/rest/bundles", { bundle_type: "run", command: "true", metadata: { name: "r" } }],
      ["POST", "/rest/auth/logout", {}],
    ] as const) {
      const res = await api<ErrorBody>(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({
        code: "WORKER_TOKEN_NOT_ALLOWED",
        message: `a worker token only lets a runner connect and move its runs' data; ${method} ${path} needs a user's login`,
      });
    }
  });

  it("run a worker's runs: connect as that worker only, read its runs' dependencies, upload their results", async () => {
    const { accessToken: user } = await signUpAndLogIn();
    const name = uniqueName("box");
    const { token, worker_id } = await makeToken(user, name);
    const wrongName = await connectStatus(token, "someone-else");
    expect(wrongName.status).toBe(403);
    expect(wrongName.body.error.message).toContain(`start the runner with --id ${name}`);

    const input = await readyFileBundle(user, "1 2 3\n", "input");
    const unrelated = await readyFileBundle(user, "secret\n", "unrelated");
    const runner = await FakeRunner.connect(token, name);
    expect(runner.workerId).toBe(worker_id);
    const run = await createRun(user, "wc -w data > out", {
      dependencies: [{ child_path: "data", parent_uuid: input.uuid }],
    });
    const other = await createRun(user, "true", { metadata: { request_queue: "nowhere" } });
    await runner.accept(run.uuid);
    await waitForState(user, run.uuid, "preparing");

    const dependency = await raw("GET", `/rest/bundles/${input.uuid}/contents/blob/`, { token });
    expect(dependency.text).toBe("1 2 3\n");
    const info = await api("GET", `/rest/bundles/${input.uuid}/contents/info/`, { token });
    expect(info.status).toBe(200);
    const refused = await api<ErrorBody>("GET", `/rest/bundles/${unrelated.uuid}/contents/blob/`, { token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(`no run of worker ${name} depends on bundle ${unrelated.uuid}`);
    const notHeld = await api<ErrorBody>("POST", `/rest/bundles/${other.uuid}/upload`, {
      token,
      body: { kind: "directory", size: 10 },
    });
    expect(notHeld.status).toBe(403);
    expect(notHeld.body.error.message).toContain(`worker ${name} does not hold run ${other.uuid}`);

    await runner.upload(run.uuid, [{ type: "file", path: "out", data: "3 data\n" }]);
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null });
    runner.ack(await runner.next("mark_finalized"));
    await waitForState(user, run.uuid, "ready");
    runner.close();
  });

  it("are revoked by their owner only, which disconnects the runner using one and refuses it after", async () => {
    const { accessToken: user } = await signUpAndLogIn();
    const name = uniqueName("box");
    const created = await makeToken(user, name);
    const runner = await FakeRunner.connect(created.token, name);
    const { accessToken: stranger } = await signUpAndLogIn();
    const theirs = await api<ErrorBody>("DELETE", `/rest/workers/tokens/${created.id}`, { token: stranger });
    expect(theirs.status).toBe(404);

    const revoked = await api<WorkerTokenJson>("DELETE", `/rest/workers/tokens/${created.id}`, { token: user });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(Number));
    const error = await runner.next("error");
    expect(error).toMatchObject({ code: "token_revoked", fatal: true });
    await waitFor(async () => runner.closed, "the socket to close");
    const again = await connectStatus(created.token, name);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("TOKEN_REVOKED");
    const twice = await api<WorkerTokenJson>("DELETE", `/rest/workers/tokens/${created.id}`, { token: user });
    expect(twice.body.revoked_at).toBe(revoked.body.revoked_at);
  });

  it("leave a runner logged in as a user connected when an unrelated token is revoked", async () => {
    const { accessToken: user } = await signUpAndLogIn();
    const name = uniqueName("box");
    const created = await makeToken(user, name);
    const runner = await FakeRunner.connect(user, name);
    await api("DELETE", `/rest/workers/tokens/${created.id}`, { token: user });
    runner.send({ type: "heartbeat" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runner.closed).toBe(false);
    expect(runner.pending().filter((message) => message.type === "error")).toEqual([]);
    runner.close();
  });
});
