/**
 * The Docker runtime end to end: a real daemon, the local busybox test images, the agent talking
 * to the fake server. Skipped (with the reason in the suite's name) when no daemon answers.
 */
import { readAllBytes } from "@codalab/core/archive/entry-body";
import { readTar } from "@codalab/core/archive/tar-reader";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger.ts";
import { type Harness, startAgent, stopAgent, welcomeMessage } from "../testing/agent-harness.ts";
import { dockerTestEnv, TEST_IMAGE, TEST_IMAGE_NO_BASH } from "../testing/docker-test-env.ts";
import { FakeServer } from "../testing/fake-server.ts";
import { assignedRun, streamOf, UUID_A, UUID_B } from "../testing/fixtures.ts";
import { chooseRuntime } from "./choose-runtime.ts";
import { DockerRuntime, RUN_LABEL, WORKER_LABEL } from "./docker-runtime.ts";

const env = await dockerTestEnv();
const title = env.ok ? "the Docker runtime" : `the Docker runtime (skipped: ${env.reason})`;

function daemon() {
  if (!env.ok) throw new Error(env.reason);
  return env.docker;
}

type Message = Record<string, unknown>;
const finishedOf = (uuid: string) => (m: Message) => m.type === "run_finished" && m.uuid === uuid;
const runningOf = (uuid: string) => (m: Message) => m.type === "run_update" && m.uuid === uuid && m.stage === "running";

describe.skipIf(!env.ok)(title, () => {
  let server: FakeServer;
  let harness: Harness | undefined;
  let docker: DockerRuntime;
  let workerName: string;

  beforeAll(() => {
    workerName = "test-worker";
  });
  beforeEach(async () => {
    if (!env.ok) return;
    server = await FakeServer.start();
    docker = await DockerRuntime.connect({
      docker: daemon(),
      workerName,
      networkPrefix: "codalab_test_network",
      log: silentLogger,
    });
  });
  afterEach(async () => {
    if (harness) await stopAgent(harness);
    harness = undefined;
    await server.close();
  });
  afterAll(async () => {
    if (!env.ok) return;
    const left = await daemon().listContainers({ all: true, filters: { label: [`${WORKER_LABEL}=${workerName}`] } });
    for (const info of left) await daemon().getContainer(info.Id).remove({ force: true });
  });

  async function files(uuid: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const entry of readTar(streamOf([server.uploadedTar(uuid)]))) {
      if (entry.header.type === "file") out.set(entry.path, new TextDecoder().decode(await readAllBytes(entry.body)));
      else out.set(entry.path, entry.header.type);
    }
    return out;
  }

  function assign(h: Harness, overrides: Parameters<typeof assignedRun>[0] = {}) {
    const run = assignedRun({
      ...overrides,
      requirements: { docker_image: TEST_IMAGE, memory: 256 * 2 ** 20, time: 60, ...overrides.requirements },
    });
    h.socket.send({ type: "assign", seq: h.seq(), run });
  }

  it("runs the command in /<uuid> as the directory's owner, with its output and exit code", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, { command: "echo hello; pwd; echo $HOME $CODALAB; id -u; echo oops >&2; exit 3" });
    const finished = await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect(finished).toMatchObject({ exitcode: 3, failure_message: null, killed: false });
    expect(String(finished.docker_image)).toMatch(/^sha256:/);
    const out = await files(UUID_A);
    expect(out.get("stdout")).toBe(`hello\n/${UUID_A}\n/${UUID_A} true\n${process.getuid?.() ?? 0}\n`);
    expect(out.get("stderr")).toBe("oops\n");
    expect(await docker.removeOrphans(new Set())).toEqual([]);
  });

  it("mounts dependencies read-only under their keys and leaves them out of the results", async () => {
    harness = await startAgent(server, { runtime: docker });
    server.bundles.set(UUID_B, { type: "directory", files: { "a.txt": "A\n", "sub/b.txt": "B\n" } });
    assign(harness, {
      command:
        "cat data/in/a.txt data/in/sub/b.txt; echo x > data/in/a.txt; echo x > data/in/new; touch data/mine; ls data",
      dependencies: [{ child_path: "data/in", parent_uuid: UUID_B, parent_path: "" }],
    });
    const finished = await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect(finished.exitcode).toBe(0);
    const out = await files(UUID_A);
    expect(out.get("stdout")).toBe("A\nB\nin\nmine\n");
    expect(out.get("stderr")).toMatch(/Read-only file system[\s\S]*Read-only file system/);
    expect([...out.keys()].sort()).toEqual(["data", "data/mine", "stderr", "stdout"]);
  });

  it("mounts each top-level entry of a '.' dependency at the root", async () => {
    harness = await startAgent(server, { runtime: docker });
    server.bundles.set(UUID_B, { type: "directory", files: { "a.txt": "A\n", "sub/b.txt": "B\n" } });
    assign(harness, {
      command: "cat a.txt sub/b.txt",
      dependencies: [{ child_path: ".", parent_uuid: UUID_B, parent_path: "" }],
    });
    await harness.socket.next(finishedOf(UUID_A), 20_000);
    const out = await files(UUID_A);
    expect(out.get("stdout")).toBe("A\nB\n");
    expect([...out.keys()].sort()).toEqual(["stderr", "stdout"]);
  });

  it("kills a run over its memory limit", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, {
      command: 'x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done',
      requirements: { memory: 32 * 2 ** 20 },
    });
    const finished = await harness.socket.next(finishedOf(UUID_A), 30_000);
    expect(finished).toMatchObject({ failure_message: "Memory limit exceeded.", exitcode: 137 });
  });

  it("kills a run at its time limit", async () => {
    harness = await startAgent(server, { runtime: docker });
    const started = Date.now();
    assign(harness, { command: "sleep 60", requirements: { time: 1 } });
    const finished = await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect(finished).toMatchObject({ failure_message: "Time limit exceeded.", killed: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("gives runs no network, even when they ask and this machine has none to give", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, {
      command: "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '",
      requirements: { network: true },
    });
    await harness.socket.next(
      (m) => m.type === "run_update" && String(m.run_status).includes("without network"),
      20_000,
    );
    await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect((await files(UUID_A)).get("stdout")).toBe("lo\n");
  });

  it("stops a run at once when the user kills it", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, { command: "echo started; sleep 60" });
    await harness.socket.next(runningOf(UUID_A), 20_000);
    const killed = Date.now();
    harness.socket.send({ type: "kill", seq: harness.seq(), uuid: UUID_A, message: "Kill requested" });
    const finished = await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect(finished).toMatchObject({ killed: true, failure_message: "Kill requested" });
    expect(Date.now() - killed).toBeLessThan(5000);
    expect((await files(UUID_A)).get("stdout")).toBe("started\n");
  });

  it("finds its container again after a restart", async () => {
    const first = await startAgent(server, { runtime: docker });
    assign(first, { command: "sleep 2; echo done" });
    await first.socket.next(runningOf(UUID_A), 20_000);
    const containers = await daemon().listContainers({ filters: { label: [`${RUN_LABEL}=${UUID_A}`] } });
    expect(containers[0]?.Labels[WORKER_LABEL]).toBe(workerName);
    await first.agent.stop(0);
    first.socket.destroy();
    const restarted = await DockerRuntime.connect({
      docker: daemon(),
      workerName,
      networkPrefix: "codalab_test_network",
      log: silentLogger,
    });
    harness = await startAgent(server, { runtime: restarted, workDir: first.workDir, welcome: false });
    const hello = await harness.socket.next("hello");
    expect(hello.runs).toEqual([{ uuid: UUID_A, stage: "running" }]);
    harness.socket.send(welcomeMessage());
    const finished = await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect(finished).toMatchObject({ exitcode: 0, failure_message: null });
    expect((await files(UUID_A)).get("stdout")).toBe("done\n");
  });

  it("falls back to sh in an image without bash", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, { command: "echo from sh", requirements: { docker_image: TEST_IMAGE_NO_BASH } });
    expect(await harness.socket.next(finishedOf(UUID_A), 20_000)).toMatchObject({ exitcode: 0 });
    expect((await files(UUID_A)).get("stdout")).toBe("from sh\n");
  });

  it("fails a run whose image is neither here nor reachable, saying so", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, { requirements: { docker_image: "codalab/not-here:1" } });
    const finished = await harness.socket.next(finishedOf(UUID_A), 30_000);
    expect(String(finished.failure_message)).toMatch(
      /^image not found (locally: codalab\/not-here:1|: codalab\/not-here:1)/,
    );
  });

  it("fails a run Docker refuses to create, with Docker's reason", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, { requirements: { memory: 2 ** 20 } });
    const finished = await harness.socket.next(finishedOf(UUID_A), 20_000);
    expect(String(finished.failure_message)).toMatch(/^Docker could not create the run's container: .*[Mm]emory/);
  });

  it("is chosen automatically when its socket answers, noting a missing default image", async () => {
    const chosen = await chooseRuntime(
      { runtime: "auto", workerName, networkPrefix: "codalab_test_network", defaultImage: "codalab/not-here:1" },
      silentLogger,
    );
    expect(chosen.runtime.kind).toBe("docker");
    expect(chosen.runtime.networkAvailable).toBe(false);
    expect(chosen.notes).toEqual([
      "default image codalab/not-here:1 is not on this machine; runs using it need a registry",
    ]);
  });

  it("contains the run: no capabilities, no new privileges, pids and memory limits, labels", async () => {
    harness = await startAgent(server, { runtime: docker });
    assign(harness, { command: "sleep 30", requirements: { cpus: 1 } });
    await harness.socket.next(runningOf(UUID_A), 20_000);
    const [info] = await daemon().listContainers({ filters: { label: [`${RUN_LABEL}=${UUID_A}`] } });
    const inspect = info ? await daemon().getContainer(info.Id).inspect() : undefined;
    expect(inspect?.HostConfig).toMatchObject({
      NetworkMode: "none",
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      PidsLimit: 1024,
      Memory: 256 * 2 ** 20,
      MemorySwap: 256 * 2 ** 20,
      NanoCpus: 1e9,
    });
    expect(inspect?.Config.Labels).toMatchObject({ [RUN_LABEL]: UUID_A, [WORKER_LABEL]: workerName });
    expect(inspect?.Config.Entrypoint).toBeNull();
  });
});

describe("the Docker test environment", () => {
  it("explains why Docker tests are skipped, when they are", () => {
    if (!env.ok) expect(env.reason).toMatch(/Docker|busybox|images/);
    else expect(env.docker).toBeDefined();
  });
});
