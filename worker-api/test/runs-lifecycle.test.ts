import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type ErrorBody, raw, readyFileBundle } from "./helpers/bundles.ts";
import { createRun, FakeRunner, getBundle, waitForState } from "./runs-fake-runner.ts";

describe("a run's life on a runner", () => {
  it("is pushed to a runner as soon as it says hello, and ends ready with the uploaded results", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const input = await readyFileBundle(token, "1 2 3\n", "input");
    const run = await createRun(token, "wc -w data > out", {
      dependencies: [{ child_path: "data", parent_uuid: input.uuid }],
      metadata: { name: "count", request_cpus: 2, request_time: "1h", exclude_patterns: ["*.tmp"] },
    });
    expect(run.state).toBe("staged");
    expect(run.state_details).toMatch(/No worker can ever satisfy this request/);

    const runner = await FakeRunner.open(token, uniqueName("w"));
    runner.hello();
    const welcome = await runner.next("welcome");
    const assign = await runner.next("assign");
    expect(assign.run).toMatchObject({
      uuid: run.uuid,
      command: "wc -w data > out",
      dependencies: [{ child_path: "data", parent_uuid: input.uuid, parent_path: "", parent_name: "input" }],
      requirements: {
        cpus: 2,
        time: 3600,
        memory: 1024 ** 3,
        network: false,
        docker_image: "codalab/default-cpu:latest",
      },
      exclude_patterns: ["*.tmp"],
    });
    expect((await getBundle(token, run.uuid)).state).toBe("starting");

    runner.ack(assign);
    runner.send({ type: "run_ack", uuid: run.uuid });
    const preparing = await waitForState(token, run.uuid, "preparing");
    expect(preparing.metadata).toMatchObject({ remote: welcome.worker_id, remote_history: [welcome.worker_id] });

    runner.send({
      type: "run_update",
      uuid: run.uuid,
      stage: "running",
      run_status: "Running",
      usage: { time: 1.5, memory: 1000, disk_bytes: 6 },
    });
    const running = await waitForState(token, run.uuid, "running");
    expect(running.state_details).toBe("Running");
    expect(running.metadata).toMatchObject({ time: 1.5, memory: 1000 });

    await runner.upload(run.uuid, [
      { type: "file", path: "out", data: "3 data\n" },
      { type: "file", path: "stdout", data: "" },
    ]);
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null, usage: { time: 2 } });
    const finalized = await runner.next("mark_finalized");
    expect(finalized.uuid).toBe(run.uuid);
    runner.ack(finalized);

    const ready = await waitForState(token, run.uuid, "ready");
    expect(ready).toMatchObject({ is_dir: true, data_size: 7, state_details: null });
    expect(ready.metadata).toMatchObject({ exitcode: 0, run_status: "Finished", time: 2 });
    const out = await raw("GET", `/rest/bundles/${run.uuid}/contents/blob/out`, { token });
    expect(out.text).toBe("3 data\n");
    const user = await api<{ user: { disk_used: number } }>("GET", "/rest/user", { token });
    expect(user.body.user.disk_used).toBe(6 + 7);
    runner.close();
  });

  it("forgets why a run waited once it leaves staged: a finished run shows no staged_status", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const run = await createRun(token, "true");
    expect(run.state).toBe("staged");
    expect(run.metadata.staged_status).toMatch(/^No worker can ever satisfy this request/);
    const column = async () =>
      (await env.DB.prepare("select staged_status from bundles where uuid = ?").bind(run.uuid).first())?.staged_status;

    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await runner.accept(run.uuid);
    const preparing = await waitForState(token, run.uuid, "preparing");
    expect(preparing.metadata.staged_status).toBeNull();
    expect(await column()).toBeNull();

    await runner.upload(run.uuid, [{ type: "file", path: "stdout", data: "" }]);
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null });
    runner.ack(await runner.next("mark_finalized"));
    const ready = await waitForState(token, run.uuid, "ready");
    expect(ready.metadata.staged_status).toBeNull();

    // A row written before transitions cleared it: the API still shows none.
    await env.DB.prepare("update bundles set staged_status = 'Waiting for a worker' where uuid = ?")
      .bind(run.uuid)
      .run();
    expect((await getBundle(token, run.uuid)).metadata.staged_status).toBeNull();
    runner.close();
  });

  it("lets only the user whose worker holds the run upload its results", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const { accessToken: stranger } = await signUpAndLogIn();
    const run = await createRun(token, "true");
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await runner.accept(run.uuid);
    await waitForState(token, run.uuid, "preparing");
    const refused = await api<ErrorBody>("POST", `/rest/bundles/${run.uuid}/upload`, {
      token: stranger,
      body: { kind: "directory", size: 1024 },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("only the worker running");
    runner.close();
  });

  it("fails a run that exits non-zero with CodaLab's message, and one whose results never arrived", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const first = await createRun(token, "exit 3");
    const second = await createRun(token, "true");
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await runner.accept(first.uuid);
    await runner.accept(second.uuid);
    await runner.upload(first.uuid, [{ type: "file", path: "stdout", data: "x" }]);
    runner.send({ type: "run_finished", uuid: first.uuid, exitcode: 3, failure_message: null });
    runner.send({ type: "run_finished", uuid: second.uuid, exitcode: 0, failure_message: null });
    const failed = await waitForState(token, first.uuid, "failed");
    expect(failed.state_details).toBe("Exit code 3");
    expect(failed.is_dir).toBe(true);
    const empty = await waitForState(token, second.uuid, "failed");
    expect(empty.state_details).toBe("The worker did not upload the run's results.");
    expect(empty.is_dir).toBeNull();
    runner.close();
  });

  it("takes a burst of acknowledgements and reports in one go, each run ending where its reports lead", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await createRun(token, `echo ${i}`, { metadata: { request_cpus: 1 } }));
    const runner = await FakeRunner.connect(token, uniqueName("w"), {
      capacity: { cpus: 8, gpus: 0, memory_bytes: 64 * 1024 ** 3, free_disk_bytes: 100 * 1024 ** 3 },
    });
    const assigns = [];
    for (const run of runs) assigns.push(await runner.next("assign", (message) => message.run.uuid === run.uuid));
    // Frames sent back to back reach the session while it is busy with the first: they are
    // handled together, and a report that charges time is applied on its own, after the ack.
    const [first, ...rest] = runs.map((run) => run.uuid);
    for (const assign of assigns) {
      runner.ack(assign);
      runner.send({ type: "run_ack", uuid: assign.run.uuid });
    }
    runner.send({ type: "run_update", uuid: first as string, stage: "running", run_status: "Running" });
    expect((await waitForState(token, first as string, "running")).state).toBe("running");
    for (const uuid of rest) expect((await waitForState(token, uuid, "preparing")).state).toBe("preparing");
    runner.close();
  });
});
