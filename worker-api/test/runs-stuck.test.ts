/**
 * Runs stuck more than 60 days (spec §3.3): the nightly `scheduled` handler fails them with
 * CodaLab's message, tells the worker holding one to kill it, and the Scheduler lets go of them.
 */
import {
  createExecutionContext,
  createScheduledController,
  env,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { failStuckRuns } from "../src/runs/stuck-runs.ts";
import { signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { createBundle } from "./helpers/bundles.ts";
import {
  configureSession,
  createRun,
  FakeRunner,
  GiB,
  getBundle,
  sessionOf,
  waitFor,
  waitForState,
} from "./runs-fake-runner.ts";

const DAY = 86_400;
const stuck = (state: string) => `Bundle has been stuck in ${state} state for more than 60 days.`;

/** Moves the bundles' `created` back by `days` days. */
async function age(uuids: readonly string[], days: number): Promise<void> {
  for (const uuid of uuids) {
    await env.DB.prepare("update bundles set created = created - ? where uuid = ?")
      .bind(days * DAY, uuid)
      .run();
  }
}

/** The Worker's scheduled handler, as the Cron Trigger calls it. */
async function nightly(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled?.(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function runningOn(token: string, runner: FakeRunner) {
  const run = await createRun(token, "sleep 1000");
  await runner.accept(run.uuid);
  runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
  await waitForState(token, run.uuid, "running");
  return run;
}

describe("runs stuck more than 60 days", () => {
  it("are failed by the nightly run with CodaLab's message; the worker holding one is told to kill it", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"), {
      capacity: { cpus: 1, gpus: 0, memory_bytes: 8 * GiB, free_disk_bytes: 100 * GiB },
    });
    const running = await runningOn(token, runner);
    const waiting = await createRun(token, "true", { metadata: { request_cpus: 64 } });
    const young = await createRun(token, "true", { metadata: { request_cpus: 64 } });
    expect([waiting.state, young.state]).toEqual(["staged", "staged"]);
    await age([running.uuid, waiting.uuid], 61);
    await age([young.uuid], 59);

    await nightly();

    const failedRun = await getBundle(token, running.uuid);
    expect(failedRun).toMatchObject({ state: "failed", state_details: stuck("running") });
    const kill = await runner.next("kill", (message) => message.uuid === running.uuid);
    expect(kill.message).toBe(stuck("running"));
    expect(await getBundle(token, waiting.uuid)).toMatchObject({ state: "failed", state_details: stuck("staged") });
    expect((await getBundle(token, waiting.uuid)).metadata.staged_status).toBeNull();
    expect((await getBundle(token, young.uuid)).state).toBe("staged");

    // The runner stops it and reports: the run stays failed.
    runner.ack(kill);
    runner.send({
      type: "run_finished",
      uuid: running.uuid,
      exitcode: 137,
      failure_message: kill.message,
      killed: true,
    });
    // Its one CPU is free again: the next run goes to it.
    const next = await createRun(token, "true");
    await runner.accept(next.uuid);
    expect(await getBundle(token, running.uuid)).toMatchObject({ state: "failed", state_details: stuck("running") });
    runner.close();
  });

  it("fails a run left in worker_offline, and a second pass changes nothing", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await configureSession(runner.workerId, { disconnect_grace_ms: 50 });
    const run = await runningOn(token, runner);
    runner.close(1001);
    await waitFor(async () => {
      if ((await getBundle(token, run.uuid)).state === "worker_offline") return true;
      await runDurableObjectAlarm(sessionOf(runner.workerId));
      return false;
    }, "worker_offline");
    await age([run.uuid], 61);

    const first = await failStuckRuns(env, Date.now());
    expect(first.failed).toContain(run.uuid);
    expect(first.errors).toEqual([]);
    expect(await getBundle(token, run.uuid)).toMatchObject({ state: "failed", state_details: stuck("worker_offline") });
    const second = await failStuckRuns(env, Date.now());
    expect(second.failed).not.toContain(run.uuid);
  });

  it("leaves uploads, finished bundles and runs younger than 60 days alone", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const upload = await createBundle(token, { name: "slow-upload" });
    const killed = await createRun(token, "true", { metadata: { request_cpus: 64 } });
    await env.DB.prepare("update bundles set state = 'killed' where uuid = ?").bind(killed.uuid).run();
    const fresh = await createRun(token, "true", { metadata: { request_cpus: 64 } });
    await age([upload.uuid, killed.uuid], 400);
    await age([fresh.uuid], 59);

    const summary = await failStuckRuns(env, Date.now());
    for (const uuid of [upload.uuid, killed.uuid, fresh.uuid]) expect(summary.failed).not.toContain(uuid);
    expect((await getBundle(token, upload.uuid)).state).toBe("uploading");
    expect((await getBundle(token, killed.uuid)).state).toBe("killed");
    expect((await getBundle(token, fresh.uuid)).state).toBe("staged");
  });
});
