import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readTar } from "@codalab/core/archive/tar-reader";
import { decodeChunk, PROTOCOL_VERSION } from "@codalab/core/runs/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startAgent, stopAgent, welcomeMessage } from "./testing/agent-harness.ts";
import { FakeRuntime } from "./testing/fake-runtime.ts";
import { FakeServer } from "./testing/fake-server.ts";
import { assignedRun, streamOf, UUID_A, UUID_B, UUID_C, UUID_D } from "./testing/fixtures.ts";

let server: FakeServer;
let harness: Harness | undefined;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  if (harness) await stopAgent(harness);
  harness = undefined;
  await server.close();
});

type Message = Record<string, unknown>;
const byUuid = (type: string, uuid: string) => (m: Message) => m.type === type && m.uuid === uuid;
const stage = (uuid: string, s: string) => (m: Message) => m.type === "run_update" && m.uuid === uuid && m.stage === s;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function tarNames(uuid: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of readTar(streamOf([server.uploadedTar(uuid)]))) names.push(entry.path);
  return names;
}

describe("the runner agent against a server", () => {
  it("says hello over an authenticated socket with its capacity and what it holds", async () => {
    harness = await startAgent(server, { args: ["--tag", "gpu", "--group", "lab", "--shared-pool"] });
    const { hello, socket } = harness;
    expect(socket.request.headers.authorization).toBe("Bearer worker-token");
    expect(socket.request.url).toBe("/rest/workers/connect?worker_name=test-worker&shared_pool=true");
    expect(hello).toMatchObject({
      type: "hello",
      protocol_version: PROTOCOL_VERSION,
      worker_name: "test-worker",
      hostname: "test-host",
      runtime: "docker",
      capacity: { cpus: 2, gpus: 1, memory_bytes: 8 * 2 ** 30, free_disk_bytes: 10 ** 10 },
      tag: "gpu",
      group: "lab",
      is_terminating: false,
      runs: [],
      cached_dependencies: [],
    });
  });

  it("runs an assignment: acknowledges, reports each stage, uploads, reports finished and forgets it once finalized", async () => {
    harness = await startAgent(server);
    const { socket, runtime } = harness;
    server.bundles.set(UUID_B, { type: "file", data: new TextEncoder().encode("input data") });
    const seq = harness.seq();
    socket.send({
      type: "assign",
      seq,
      run: assignedRun({
        dependencies: [{ child_path: "in/data.txt", parent_uuid: UUID_B, parent_path: "" }],
        exclude_patterns: ["*.tmp"],
      }),
    });
    await socket.next(byUuid("run_ack", UUID_A));
    expect(await socket.next((m) => m.type === "ack" && m.seq === seq)).toBeTruthy();
    expect(await socket.next(stage(UUID_A, "preparing"))).toMatchObject({ runtime: "docker" });
    await socket.next(stage(UUID_A, "running"));
    const finished = await socket.next(byUuid("run_finished", UUID_A));
    expect(finished).toMatchObject({
      runtime: "docker",
      exitcode: 0,
      failure_message: null,
      killed: false,
      docker_image: "img@sha256:fake",
    });
    expect(server.uploads.get(UUID_A)?.completed).toBe(true);
    expect(await tarNames(UUID_A)).toEqual(["stderr", "stdout"]);
    const spec = (runtime as FakeRuntime).started[0];
    expect(spec?.mounts).toEqual([
      { source: expect.stringContaining("dependencies"), target: "in/data.txt", type: "file" },
    ]);
    expect(Reflect.get(spec ?? {}, "saw:in/data.txt")).toBe("input data");
    const runDir = join(harness.workDir, "runs", UUID_A);
    expect(await exists(runDir)).toBe(true);
    const finalizeSeq = harness.seq();
    socket.send({ type: "mark_finalized", seq: finalizeSeq, uuid: UUID_A });
    await socket.next((m) => m.type === "ack" && m.seq === finalizeSeq);
    await expect.poll(() => harness?.agent.runs.size).toBe(0);
    expect(await exists(runDir)).toBe(false);
    const state = JSON.parse(await readFile(join(harness.workDir, "state.json"), "utf8"));
    await expect
      .poll(async () => JSON.parse(await readFile(join(harness?.workDir ?? "", "state.json"), "utf8")).runs)
      .toEqual([]);
    expect(state.runs_taken).toBe(1);
  });

  it("treats a repeated assignment as a no-op but answers it again", async () => {
    harness = await startAgent(server);
    const runtime = harness.runtime as FakeRuntime;
    runtime.behaviour = () => ({ durationMs: Number.POSITIVE_INFINITY });
    const run = assignedRun();
    harness.socket.send({ type: "assign", seq: harness.seq(), run });
    await harness.socket.next(stage(UUID_A, "running"));
    const again = harness.seq();
    harness.socket.send({ type: "assign", seq: again, run });
    await harness.socket.next((m) => m.type === "ack" && m.seq === again);
    expect(harness.socket.all("run_ack")).toHaveLength(2);
    expect(runtime.started).toHaveLength(1);
  });

  it("carries out a command number only once", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).behaviour = () => ({ durationMs: Number.POSITIVE_INFINITY });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(stage(UUID_A, "running"));
    const seq = harness.seq();
    harness.socket.send({ type: "write", seq, uuid: UUID_A, subpath: "note", string: "first" });
    harness.socket.send({ type: "write", seq, uuid: UUID_A, subpath: "note", string: "second" });
    await harness.socket.next((m) => m.type === "ack" && m.seq === seq);
    await harness.socket.next((m) => m.type === "ack" && m.seq === seq);
    expect(await readFile(join(harness.workDir, "runs", UUID_A, "note"), "utf8")).toBe("first");
  });

  it("kills a running run at once, reports it killed with the message and still uploads its output", async () => {
    harness = await startAgent(server);
    const runtime = harness.runtime as FakeRuntime;
    runtime.behaviour = () => ({ stdout: "partial\n", durationMs: Number.POSITIVE_INFINITY });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(stage(UUID_A, "running"));
    const seq = harness.seq();
    harness.socket.send({ type: "kill", seq, uuid: UUID_A, message: "Kill requested" });
    await harness.socket.next((m) => m.type === "ack" && m.seq === seq);
    const finished = await harness.socket.next(byUuid("run_finished", UUID_A));
    expect(finished).toMatchObject({ killed: true, failure_message: "Kill requested", exitcode: 137 });
    expect(await tarNames(UUID_A)).toContain("stdout");
    expect([...runtime.handles.values()][0]?.removed).toBe(true);
  });

  it("ends a run killed while preparing without uploading anything", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).prepareDelayMs = 60_000;
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(stage(UUID_A, "preparing"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    harness.socket.send({ type: "kill", seq: harness.seq(), uuid: UUID_A, message: "Kill requested" });
    const finished = await harness.socket.next(byUuid("run_finished", UUID_A));
    expect(finished).toMatchObject({ killed: true, failure_message: "Kill requested", exitcode: null });
    expect(server.uploads.has(UUID_A)).toBe(false);
  });

  it("forgets a run killed while it waits for finalisation", async () => {
    harness = await startAgent(server);
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(byUuid("run_finished", UUID_A));
    harness.socket.send({ type: "kill", seq: harness.seq(), uuid: UUID_A, message: "Bundle expired" });
    await expect.poll(() => harness?.agent.runs.size).toBe(0);
  });

  it("acknowledges but ignores commands for runs it does not hold", async () => {
    harness = await startAgent(server);
    const seqs = [harness.seq(), harness.seq(), harness.seq()];
    harness.socket.send({ type: "kill", seq: seqs[0], uuid: UUID_D, message: "Kill requested" });
    harness.socket.send({ type: "mark_finalized", seq: seqs[1], uuid: UUID_D });
    harness.socket.send({ type: "write", seq: seqs[2], uuid: UUID_D, subpath: "x", string: "y" });
    for (const seq of seqs) await harness.socket.next((m) => m.type === "ack" && m.seq === seq);
    expect(harness.socket.all("run_finished")).toEqual([]);
  });

  it("rejects an assignment it cannot take", async () => {
    harness = await startAgent(server);
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun({ requirements: { gpus: 2 } }) });
    const rejected = await harness.socket.next(byUuid("run_rejected", UUID_A));
    expect(rejected.reason).toBe("the run needs 2 GPUs; 1 are free here");
    expect(harness.agent.runs.size).toBe(0);
  });

  it("fails a run whose image or dependency cannot be prepared, with the reason", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).imageError = "image not found locally: img";
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    expect(await harness.socket.next(byUuid("run_finished", UUID_A))).toMatchObject({
      failure_message: "image not found locally: img",
      killed: false,
      exitcode: null,
    });
    harness.socket.send({
      type: "assign",
      seq: harness.seq(),
      run: assignedRun({ uuid: UUID_B, dependencies: [{ child_path: "x", parent_uuid: UUID_C, parent_path: "" }] }),
    });
    const missing = await harness.socket.next(byUuid("run_finished", UUID_B));
    expect(missing.failure_message).toContain(
      `Failed to download dependency x: GET /rest/bundles/${UUID_C}/contents/info/`,
    );
  });

  it("enforces the time, memory and disk limits", async () => {
    harness = await startAgent(server);
    const runtime = harness.runtime as FakeRuntime;
    runtime.enforcesMemory = false;
    runtime.behaviour = (spec) =>
      spec.uuid === UUID_B
        ? { durationMs: Number.POSITIVE_INFINITY, memory: 2 * 2 ** 30 }
        : spec.uuid === UUID_C
          ? { durationMs: Number.POSITIVE_INFINITY, files: { big: "x".repeat(5000) } }
          : { durationMs: Number.POSITIVE_INFINITY };
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun({ requirements: { time: 0.2 } }) });
    harness.socket.send({
      type: "assign",
      seq: harness.seq(),
      run: assignedRun({ uuid: UUID_B, requirements: { memory: 2 ** 30 } }),
    });
    harness.socket.send({
      type: "assign",
      seq: harness.seq(),
      run: assignedRun({ uuid: UUID_C, requirements: { disk: 1000 } }),
    });
    const [time, memory, disk] = await Promise.all([
      harness.socket.next(byUuid("run_finished", UUID_A)),
      harness.socket.next(byUuid("run_finished", UUID_B)),
      harness.socket.next(byUuid("run_finished", UUID_C)),
    ]);
    expect(time).toMatchObject({ failure_message: "Time limit exceeded.", killed: true });
    expect(memory).toMatchObject({ failure_message: "Memory limit exceeded.", killed: true });
    expect(disk).toMatchObject({ failure_message: "Disk limit exceeded.", killed: true });
    expect((memory.usage as Message).memory).toBe(2 * 2 ** 30);
  });

  it("reports an OOM kill by the runtime as a memory failure", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).behaviour = () => ({ exitcode: 137, oomKilled: true });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    expect(await harness.socket.next(byUuid("run_finished", UUID_A))).toMatchObject({
      exitcode: 137,
      failure_message: "Memory limit exceeded.",
    });
  });

  it("writes files into a running bundle, but never over a dependency", async () => {
    harness = await startAgent(server);
    server.bundles.set(UUID_B, { type: "directory", files: { "a.txt": "A" } });
    (harness.runtime as FakeRuntime).behaviour = () => ({ durationMs: Number.POSITIVE_INFINITY });
    harness.socket.send({
      type: "assign",
      seq: harness.seq(),
      run: assignedRun({ dependencies: [{ child_path: "data", parent_uuid: UUID_B, parent_path: "" }] }),
    });
    await harness.socket.next(stage(UUID_A, "running"));
    const ok = harness.seq();
    const bad = harness.seq();
    harness.socket.send({ type: "write", seq: ok, uuid: UUID_A, subpath: "cfg/params.json", string: "{}" });
    harness.socket.send({ type: "write", seq: bad, uuid: UUID_A, subpath: "data/a.txt", string: "overwritten" });
    await harness.socket.next((m) => m.type === "ack" && m.seq === bad);
    expect(await readFile(join(harness.workDir, "runs", UUID_A, "cfg/params.json"), "utf8")).toBe("{}");
    expect(harness.log.text()).toContain("would overwrite the dependency");
  });

  it("serves live reads in chunks with the correlation id", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).behaviour = () => ({
      stdout: "line 1\nline 2\n",
      durationMs: Number.POSITIVE_INFINITY,
    });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(stage(UUID_A, "running"));
    harness.socket.send({ type: "read", id: "r1", uuid: UUID_A, path: "", spec: { kind: "info", depth: 1 } });
    const info = await harness.socket.next((m) => m.type === "read_end" && m.id === "r1");
    expect((info.info as Message).contents).toEqual([
      { name: "stderr", type: "file", size: 0, perm: 0o644 },
      { name: "stdout", type: "file", size: 14, perm: 0o644 },
    ]);
    harness.socket.send({
      type: "read",
      id: "r2",
      uuid: UUID_A,
      path: "stdout",
      spec: { kind: "file", offset: 7, length: 100 },
    });
    const chunk = await harness.socket.next((m) => m.type === "read_chunk" && m.id === "r2");
    expect(new TextDecoder().decode(decodeChunk(String(chunk.data)))).toBe("line 2\n");
    expect(await harness.socket.next((m) => m.type === "read_end" && m.id === "r2")).toMatchObject({ chunks: 1 });
    harness.socket.send({ type: "read", id: "r3", uuid: UUID_D, path: "", spec: { kind: "info", depth: 0 } });
    expect(await harness.socket.next((m) => m.type === "read_error" && m.id === "r3")).toMatchObject({
      code: "not_running",
    });
  });

  it("drops the runs reconcile tells it to kill, without reporting them", async () => {
    harness = await startAgent(server);
    const runtime = harness.runtime as FakeRuntime;
    runtime.behaviour = () => ({ durationMs: Number.POSITIVE_INFINITY });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun({ uuid: UUID_B }) });
    await harness.socket.next(stage(UUID_A, "running"));
    await harness.socket.next(stage(UUID_B, "running"));
    const seq = harness.seq();
    harness.socket.send({ type: "reconcile", seq, keep: [UUID_B], kill: [UUID_A] });
    await harness.socket.next((m) => m.type === "ack" && m.seq === seq);
    expect([...harness.agent.runs.keys()]).toEqual([UUID_B]);
    expect(await exists(join(harness.workDir, "runs", UUID_A))).toBe(false);
    expect(harness.socket.all("run_finished")).toEqual([]);
    expect([...runtime.handles.values()][0]?.removed).toBe(true);
  });

  it("logs in as a user and connects with the access token", async () => {
    harness = await startAgent(server, { asUser: true });
    expect(harness.socket.request.headers.authorization).toBe("Bearer access-1");
    expect(server.logins).toBe(1);
  });

  it("gives up on a socket that never welcomes it, and connects again", async () => {
    harness = await startAgent(server, { welcome: false, timing: { helloTimeoutMs: 100 } });
    const next = server.nextSocket();
    await harness.socket.next("hello");
    const socket = await next;
    await server.welcome(socket);
    expect(harness.log.text()).toContain("no welcome from the server; closing the socket");
    harness.socket = socket;
  });

  it("sends heartbeats at the interval the server asks for", async () => {
    harness = await startAgent(server, { welcome: false });
    await server.welcome(harness.socket, "w-1", 30);
    await harness.socket.next("heartbeat", 2000);
    await harness.socket.next("heartbeat", 2000);
  });

  it("answers pings", async () => {
    harness = await startAgent(server);
    harness.socket.send({ type: "ping", nonce: "n1" });
    expect(await harness.socket.next("pong")).toEqual({ type: "pong", nonce: "n1" });
  });

  it("reconnects with back-off and reports its held runs after the new welcome", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).behaviour = () => ({ durationMs: Number.POSITIVE_INFINITY });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(stage(UUID_A, "running"));
    server.refuseSockets = 503;
    const started = Date.now();
    harness.socket.destroy();
    await expect
      .poll(() => harness?.log.text().match(/cannot connect/g)?.length ?? 0, { timeout: 3000 })
      .toBeGreaterThanOrEqual(2);
    expect(harness.log.text()).toContain("plain GET answers HTTP");
    server.refuseSockets = null;
    const socket = await server.nextSocket();
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    const hello = await socket.next("hello");
    expect(hello.runs).toEqual([{ uuid: UUID_A, stage: "running" }]);
    expect(socket.all("run_update")).toEqual([]);
    socket.send(welcomeMessage());
    await socket.next(stage(UUID_A, "running"));
    harness.socket = socket;
  });

  it("resumes after a restart: reloads its runs, re-attaches, reports them in hello and finishes them", async () => {
    const runtime = new FakeRuntime();
    runtime.behaviour = () => ({ durationMs: 800, exitcode: 3 });
    const first = await startAgent(server, { runtime });
    first.socket.send({ type: "assign", seq: first.seq(), run: assignedRun() });
    await first.socket.next(stage(UUID_A, "running"));
    await first.agent.stop(0);
    first.socket.destroy();
    const second = await startAgent(server, { runtime, workDir: first.workDir, welcome: false });
    harness = second;
    const hello = await second.socket.next("hello");
    expect(hello.runs).toEqual([{ uuid: UUID_A, stage: "running" }]);
    second.socket.send(welcomeMessage());
    expect(await second.socket.next(byUuid("run_finished", UUID_A))).toMatchObject({
      exitcode: 3,
      failure_message: null,
    });
    expect(second.log.text()).toContain("re-attached to fake-1");
  });

  it("drains on request: hands back running runs with run_restaged and stops", async () => {
    harness = await startAgent(server);
    (harness.runtime as FakeRuntime).behaviour = () => ({ durationMs: Number.POSITIVE_INFINITY });
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    await harness.socket.next(stage(UUID_A, "running"));
    const draining = harness.agent.drain("test");
    expect(await harness.socket.next("capacity_update")).toMatchObject({ is_terminating: true, max_runs: 0 });
    expect(await harness.socket.next(byUuid("run_restaged", UUID_A))).toMatchObject({
      reason: "handed back: the worker is shutting down",
    });
    await draining;
    expect(await harness.agent.finished).toBe(0);
    expect(harness.socket.all("run_finished")).toEqual([]);
    expect([...(harness.runtime as FakeRuntime).handles.values()][0]?.removed).toBe(true);
    harness = undefined;
  });

  it("exits after the number of runs it was started for", async () => {
    harness = await startAgent(server, { args: ["--exit-after-num-runs", "1"] });
    expect(harness.hello.max_runs).toBe(1);
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun() });
    expect(await harness.socket.next("capacity_update")).toMatchObject({ max_runs: 0 });
    await harness.socket.next(byUuid("run_finished", UUID_A));
    harness.socket.send({ type: "assign", seq: harness.seq(), run: assignedRun({ uuid: UUID_B }) });
    expect((await harness.socket.next(byUuid("run_rejected", UUID_B))).reason).toContain("--exit-after-num-runs");
    harness.socket.send({ type: "mark_finalized", seq: harness.seq(), uuid: UUID_A });
    expect(await harness.agent.finished).toBe(0);
    harness = undefined;
  });

  it("stops when the server does not speak its protocol version", async () => {
    harness = await startAgent(server, { welcome: false });
    await harness.socket.next("hello");
    harness.socket.send({ type: "error", code: "unsupported_protocol", message: "update the runner", fatal: true });
    expect(await harness.agent.finished).toBe(1);
    expect(harness.log.text()).toContain("the server refuses this runner: update the runner");
    harness = undefined;
  });

  it("stops when its worker token is revoked", async () => {
    harness = await startAgent(server);
    harness.socket.send({
      type: "error",
      code: "token_revoked",
      message: "the worker token of this runner was revoked",
      fatal: true,
    });
    expect(await harness.agent.finished).toBe(1);
    expect(harness.log.text()).toContain("the server refuses this runner: the worker token of this runner was revoked");
    harness = undefined;
  });

  it("reports a state file it cannot read and starts clean", async () => {
    const first = await startAgent(server);
    await stopAgent(first);
    await writeFile(join(first.workDir, "state.json"), "{ not json");
    harness = await startAgent(server, { workDir: first.workDir });
    expect(harness.log.text()).toContain("cannot read");
    expect(harness.hello.runs).toEqual([]);
  });
});
