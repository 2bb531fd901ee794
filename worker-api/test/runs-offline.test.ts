import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import {
  configureScheduler,
  configureSession,
  createRun,
  FakeRunner,
  getBundle,
  scheduler,
  sessionOf,
  waitFor,
  waitForState,
} from "./runs-fake-runner.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fires the object's alarm until `done` holds (alarms may also fire by themselves). */
async function alarmUntil(stub: DurableObjectStub, done: () => Promise<boolean>, what: string): Promise<void> {
  await waitFor(async () => {
    if (await done()) return true;
    await runDurableObjectAlarm(stub);
    return done();
  }, what);
}

async function runningRun(token: string, runner: FakeRunner) {
  const run = await createRun(token, "sleep 1000");
  await runner.accept(run.uuid);
  runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
  await waitForState(token, run.uuid, "running");
  return run;
}

beforeAll(async () => {
  await configureScheduler({ offline_timeout_ms: 200, assignment_lease_ms: 200 });
});

describe("a runner that goes away", () => {
  it("puts its runs in worker_offline after the grace period, and re-stages them after the timeout", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await configureSession(runner.workerId, { disconnect_grace_ms: 50 });
    const run = await runningRun(token, runner);

    runner.close(1001);
    await sleep(60);
    await alarmUntil(
      sessionOf(runner.workerId),
      async () => (await getBundle(token, run.uuid)).state === "worker_offline",
      "worker_offline",
    );
    const workers = await api<{ workers: { id: string; connected: boolean }[] }>("GET", "/rest/workers", { token });
    expect(workers.body.workers.find((worker) => worker.id === runner.workerId)?.connected).toBe(false);

    await sleep(210);
    await alarmUntil(scheduler(), async () => (await getBundle(token, run.uuid)).state === "staged", "re-staged");
    const staged = await getBundle(token, run.uuid);
    expect(staged.metadata.remote_history).toEqual([runner.workerId]);
    expect(staged.metadata.remote).toBeNull();
  });

  it("closes a silent runner's socket at the heartbeat timeout", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await runningRun(token, runner);
    await configureSession(runner.workerId, { heartbeat_timeout_ms: 50 });
    runner.send({ type: "heartbeat" });
    await sleep(60);
    await alarmUntil(sessionOf(runner.workerId), async () => runner.closed, "the socket to close");
    await waitForState(token, run.uuid, "worker_offline");
  });

  it("re-stages a run whose assignment is not acknowledged within the lease, and takes it back", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"), { max_runs: 1 });
    const run = await createRun(token, "true");
    const assign = await runner.next("assign");
    runner.ack(assign);
    await sleep(210);
    await alarmUntil(
      scheduler(),
      async () => runner.pending().some((message) => message.type === "kill"),
      "the assignment to be revoked",
    );
    expect(await runner.next("kill")).toMatchObject({ uuid: run.uuid });
    // Re-staged and offered again (the only worker there is).
    await runner.next("assign", (message) => message.run.uuid === run.uuid);
    runner.close();
  });
});

describe("a runner that comes back", () => {
  it("keeps the runs it still holds when it reconnects within the grace period", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const name = uniqueName("w");
    const runner = await FakeRunner.connect(token, name);
    const run = await runningRun(token, runner);
    runner.close(1001);

    const back = await FakeRunner.connect(token, name, { runs: [{ uuid: run.uuid, stage: "running" }] });
    expect(back.workerId).toBe(runner.workerId);
    expect(await back.next("reconcile")).toMatchObject({ keep: [run.uuid], kill: [] });
    back.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Still running" });
    await waitForState(token, run.uuid, "running", (bundle) => bundle.state_details === "Still running");
    await back.upload(run.uuid, [{ type: "file", path: "stdout", data: "ok" }]);
    back.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null });
    await waitForState(token, run.uuid, "ready");
    back.close();
  });

  it("resumes an offline run it reports, and is told to drop one that was re-staged", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const name = uniqueName("w");
    const runner = await FakeRunner.connect(token, name);
    await configureSession(runner.workerId, { disconnect_grace_ms: 20 });
    const kept = await runningRun(token, runner);
    runner.close();
    await sleep(30);
    await alarmUntil(
      sessionOf(runner.workerId),
      async () => (await getBundle(token, kept.uuid)).state === "worker_offline",
      "worker_offline",
    );

    const back = await FakeRunner.connect(token, name, {
      runs: [
        { uuid: kept.uuid, stage: "running" },
        { uuid: `0x${"e".repeat(32)}`, stage: "running" },
      ],
    });
    const reconciled = await back.next("reconcile");
    expect(reconciled).toMatchObject({ keep: [kept.uuid], kill: [`0x${"e".repeat(32)}`] });
    back.ack(reconciled);
    back.send({ type: "run_update", uuid: kept.uuid, stage: "running", run_status: "Back" });
    const resumed = await waitForState(token, kept.uuid, "running");
    expect(resumed.metadata.remote).toBe(runner.workerId);

    back.close();
    await sleep(30);
    await alarmUntil(
      sessionOf(runner.workerId),
      async () => (await getBundle(token, kept.uuid)).state === "worker_offline",
      "worker_offline again",
    );
    await sleep(210);
    await alarmUntil(scheduler(), async () => (await getBundle(token, kept.uuid)).state === "staged", "re-staged");
    const late = await FakeRunner.connect(token, name, { runs: [{ uuid: kept.uuid, stage: "running" }] });
    const reconcile = await late.next("reconcile");
    expect(reconcile.kill).toEqual([kept.uuid]);
    late.close();
  });
});

describe("hibernation", () => {
  it("keeps the session's socket, queued commands and held runs, and the scheduler's placements", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await runningRun(token, runner);
    const staged = await createRun(token, "true", { metadata: { request_cpus: 64 } });
    await evictDurableObject(sessionOf(runner.workerId));
    await evictDurableObject(scheduler());

    runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "After a nap" });
    await waitForState(token, run.uuid, "running", (bundle) => bundle.state_details === "After a nap");
    await api("POST", `/rest/bundles/${run.uuid}/kill`, { token });
    const kill = await runner.next("kill");
    expect(kill.uuid).toBe(run.uuid);
    const state = await scheduler().snapshot();
    expect(state.placed[run.uuid]?.worker_id).toBe(runner.workerId);
    expect(state.staged[staged.uuid]?.status).toMatch(/No worker can ever satisfy/);
    runner.close();
  });
});
