import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type BundleBody, type ErrorBody, readyFileBundle } from "./helpers/bundles.ts";
import { createRun, FakeRunner, getBundle, waitForState } from "./runs-fake-runner.ts";

function kill(token: string, uuid: string, body?: Record<string, unknown>) {
  return api<BundleBody & ErrorBody>("POST", `/rest/bundles/${uuid}/kill`, { token, ...(body ? { body } : {}) });
}

describe("killing", () => {
  it("ends a created or staged run at once", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const staged = await createRun(token, "sleep 100");
    expect(staged.state).toBe("staged");
    const res = await kill(token, staged.uuid);
    expect(res.status).toBe(200);
    expect(res.body.bundle).toMatchObject({ state: "killed", state_details: "Kill requested" });
    expect(res.body.bundle.metadata.actions).toEqual(["kill"]);
    const again = await kill(token, staged.uuid);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("ready, failed, killed");
  });

  it("ends a starting run at once and tells its runner", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await createRun(token, "sleep 100");
    await runner.next("assign");
    expect((await getBundle(token, run.uuid)).state).toBe("starting");
    const res = await kill(token, run.uuid, { message: "changed my mind" });
    expect(res.body.bundle).toMatchObject({ state: "killed", state_details: "Kill requested: changed my mind" });
    const killed = await runner.next("kill");
    expect(killed).toMatchObject({ uuid: run.uuid, message: "Kill requested: changed my mind" });
    // A late acknowledgement of a killed run is refused: the runner is told to drop it again.
    runner.ack(killed);
    runner.send({ type: "run_ack", uuid: run.uuid });
    await runner.next("kill", (message) => message.seq !== killed.seq);
    expect((await getBundle(token, run.uuid)).state).toBe("killed");
    runner.close();
  });

  it("relays a kill of a preparing run to its runner, which ends it killed", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await createRun(token, "sleep 100");
    await runner.accept(run.uuid);
    await waitForState(token, run.uuid, "preparing");
    const res = await kill(token, run.uuid);
    expect(res.body.bundle.state).toBe("preparing");
    expect(res.body.bundle.metadata.actions).toEqual(["kill"]);
    const killed = await runner.next("kill");
    runner.ack(killed);
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: null, failure_message: null, killed: true });
    const done = await waitForState(token, run.uuid, "killed");
    expect(done.state_details).toBe("Kill requested");
    await runner.next("mark_finalized");
    runner.close();
  });

  it("relays a kill of a running run; what it produced is kept", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await createRun(token, "sleep 100");
    await runner.accept(run.uuid);
    runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
    await waitForState(token, run.uuid, "running");
    await kill(token, run.uuid);
    const killed = await runner.next("kill");
    expect(killed.message).toBe("Kill requested");
    await runner.upload(run.uuid, [{ type: "file", path: "stdout", data: "partial\n" }]);
    runner.send({
      type: "run_finished",
      uuid: run.uuid,
      exitcode: 137,
      failure_message: "Kill requested",
      killed: true,
    });
    const done = await waitForState(token, run.uuid, "killed");
    expect(done).toMatchObject({ is_dir: true, data_size: 8 });
    runner.close();
  });

  it("needs all permission", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const { accessToken: stranger } = await signUpAndLogIn();
    const run = await createRun(token, "true");
    expect((await kill(stranger, run.uuid)).status).toBe(403);
    expect((await kill(token, `0x${"f".repeat(32)}`)).status).toBe(404);
  });
});

describe("writing into a running bundle", () => {
  it("sends the write to the runner and records it in actions", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const input = await readyFileBundle(token, "x", "input");
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await createRun(token, "cat data", { dependencies: [{ child_path: "data", parent_uuid: input.uuid }] });
    await runner.accept(run.uuid);
    await waitForState(token, run.uuid, "preparing");
    const write = (subpath: string) =>
      api<BundleBody & ErrorBody>("POST", `/rest/bundles/${run.uuid}/write`, {
        token,
        body: { subpath, string: "stop" },
      });
    const res = await write("control");
    expect(res.status).toBe(200);
    expect(res.body.bundle.metadata.actions).toEqual(["write\tcontrol\tstop"]);
    expect(await runner.next("write")).toMatchObject({ uuid: run.uuid, subpath: "control", string: "stop" });
    for (const bad of ["a/b", "../x", "/etc", "data"]) {
      const refused = await write(bad);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code).toBe("INVALID_PATH");
    }
    runner.close();
  });

  it("refuses a run that is not on a worker", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const run = await createRun(token, "true");
    const res = await api<ErrorBody>("POST", `/rest/bundles/${run.uuid}/write`, {
      token,
      body: { subpath: "x", string: "y" },
    });
    expect(res.status).toBe(409);
  });
});
