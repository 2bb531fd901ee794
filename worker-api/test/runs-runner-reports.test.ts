import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import {
  type ErrorBody,
  PUBLIC_GROUP,
  raw,
  readyDirectoryBundle,
  readyFileBundle,
  shareBundle,
} from "./helpers/bundles.ts";
import { createRun, FakeRunner, getBundle, waitForState } from "./runs-fake-runner.ts";

describe("what a runner reports about a run", () => {
  it("records the runtime that contains the run", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"), { runtime: "process" });
    const run = await createRun(token, "true");
    await runner.accept(run.uuid);
    runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running", runtime: "docker" });
    const running = await waitForState(token, run.uuid, "running");
    expect(running.metadata.runtime).toBe("docker");
    const edit = await api<ErrorBody>("PATCH", `/rest/bundles/${run.uuid}`, {
      token,
      body: { metadata: { runtime: "mine" } },
    });
    expect(edit.status).toBe(400);
    runner.close();
  });

  it("re-stages a run its runner hands back, and places it on another worker at once", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const queue = uniqueName("q").replaceAll("_", "-");
    const leaving = await FakeRunner.connect(token, uniqueName("leaving"), { tag: queue });
    const run = await createRun(token, "sleep 100", { metadata: { request_queue: queue } });
    await leaving.accept(run.uuid);
    leaving.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
    await waitForState(token, run.uuid, "running");
    leaving.send({ type: "capacity_update", is_terminating: true, max_runs: 0 });
    const staying = await FakeRunner.connect(token, uniqueName("staying"), { tag: queue });
    leaving.send({ type: "run_restaged", uuid: run.uuid, reason: "handed back: the worker is shutting down" });
    const assign = await staying.next("assign", (message) => message.run.uuid === run.uuid);
    expect(assign.run.uuid).toBe(run.uuid);
    const bundle = await getBundle(token, run.uuid);
    expect(bundle.state).toBe("starting");
    expect(bundle.metadata.remote_history).toEqual([leaving.workerId]);
    leaving.close();
    staying.close();
  });
});

describe("reading inside a running bundle's dependency", () => {
  async function runningWith(
    token: string,
    dependencies: { child_path: string; parent_uuid: string; parent_path?: string }[],
  ) {
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await createRun(token, "cat data", { dependencies });
    await runner.accept(run.uuid);
    runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
    await waitForState(token, run.uuid, "running");
    return { runner, run };
  }

  it("answers from the parent bundle, at the key and below it, without asking the runner", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const file = await readyFileBundle(token, "a,b\n1,2\n", "table");
    const dir = await readyDirectoryBundle(token, [{ type: "file", path: "sub/x.txt", data: "inside\n" }], "tree");
    const { runner, run } = await runningWith(token, [
      { child_path: "data", parent_uuid: file.uuid },
      { child_path: "deep", parent_uuid: dir.uuid, parent_path: "sub" },
    ]);
    const whole = await raw("GET", `/rest/bundles/${run.uuid}/contents/blob/data`, { token });
    expect(whole.status).toBe(200);
    expect(whole.text).toBe("a,b\n1,2\n");
    const nested = await raw("GET", `/rest/bundles/${run.uuid}/contents/blob/deep/x.txt`, { token });
    expect(nested.text).toBe("inside\n");
    const info = await api<{ info: { type: string; contents: { name: string }[] } }>(
      "GET",
      `/rest/bundles/${run.uuid}/contents/info/deep`,
      { token },
    );
    expect(info.body.info).toMatchObject({ type: "directory", contents: [{ name: "x.txt" }] });
    const missing = await api<ErrorBody>("GET", `/rest/bundles/${run.uuid}/contents/blob/deep/nope`, { token });
    expect(missing.status).toBe(404);
    // Only the run's own files go to the runner.
    expect(runner.pending().filter((message) => message.type === "read")).toEqual([]);
    runner.close();
  });

  it("needs read permission on the parent itself", async () => {
    const { accessToken: owner } = await signUpAndLogIn();
    const input = await readyFileBundle(owner, "private\n", "private-input");
    const { runner, run } = await runningWith(owner, [{ child_path: "data", parent_uuid: input.uuid }]);
    const { accessToken: reader } = await signUpAndLogIn();
    // The run is readable by everyone (public); its private parent is not.
    await shareBundle(run.uuid, PUBLIC_GROUP, 1);
    const own = await raw("GET", `/rest/bundles/${run.uuid}/contents/blob/data`, { token: owner });
    expect(own.text).toBe("private\n");
    const refused = await api<ErrorBody>("GET", `/rest/bundles/${run.uuid}/contents/blob/data`, { token: reader });
    expect(refused.status).toBe(403);
    runner.close();
  });
});
