import type { BundleJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { raw, readyFileBundle } from "./helpers/bundles.ts";
import { createRun, FakeRunner, waitForState } from "./runs-fake-runner.ts";

const encoder = new TextEncoder();

async function running(): Promise<{ token: string; runner: FakeRunner; run: BundleJson }> {
  const { accessToken: token } = await signUpAndLogIn();
  const input = await readyFileBundle(token, "input", "input");
  const runner = await FakeRunner.connect(token, uniqueName("w"));
  const run = await createRun(token, "python train.py", {
    dependencies: [{ child_path: "data", parent_uuid: input.uuid }],
  });
  await runner.accept(run.uuid);
  runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
  await waitForState(token, run.uuid, "running");
  return { token, runner, run };
}

describe("reading a running bundle", () => {
  it("asks its runner for target info", async () => {
    const { token, runner, run } = await running();
    const pending = raw("GET", `/rest/bundles/${run.uuid}/contents/info/?depth=1`, { token });
    const read = await runner.next("read");
    expect(read).toMatchObject({ uuid: run.uuid, path: "", spec: { kind: "info", depth: 1 } });
    const info = {
      name: run.uuid,
      type: "directory" as const,
      size: 0,
      perm: 0o755,
      contents: [{ name: "stdout", type: "file" as const, size: 12, perm: 0o644 }],
    };
    runner.send({ type: "read_end", id: read.id, chunks: 0, info });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ info });
    runner.close();
  });

  it("streams a file back chunk by chunk, whole, in a range, or as a tail", async () => {
    const { token, runner, run } = await running();
    const log = encoder.encode("epoch 1\nepoch 2\nepoch 3\n");
    const fileInfo = { name: "stdout", type: "file" as const, size: log.byteLength, perm: 0o644 };

    const whole = raw("GET", `/rest/bundles/${run.uuid}/contents/blob/stdout`, { token });
    const ask = await runner.next("read");
    expect(ask).toMatchObject({ path: "stdout", spec: { kind: "info", depth: 0 } });
    runner.send({ type: "read_end", id: ask.id, chunks: 0, info: fileInfo });
    const bytes = await runner.next("read");
    expect(bytes.spec).toEqual({ kind: "file", offset: 0, length: log.byteLength });
    runner.answerBytes(bytes.id, log, 5);
    const res = await whole;
    expect(res.status).toBe(200);
    expect(res.text).toBe("epoch 1\nepoch 2\nepoch 3\n");
    expect(res.headers.get("x-codalab-target-type")).toBe("file");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");

    const ranged = raw("GET", `/rest/bundles/${run.uuid}/contents/blob/stdout`, {
      token,
      headers: { range: "bytes=8-15" },
    });
    runner.send({ type: "read_end", id: (await runner.next("read")).id, chunks: 0, info: fileInfo });
    const part = await runner.next("read");
    expect(part.spec).toEqual({ kind: "file", offset: 8, length: 8 });
    runner.answerBytes(part.id, log.subarray(8, 16));
    const partial = await ranged;
    expect(partial.status).toBe(206);
    expect(partial.text).toBe("epoch 2\n");
    expect(partial.headers.get("content-range")).toBe(`bytes 8-15/${log.byteLength}`);

    const tail = raw("GET", `/rest/bundles/${run.uuid}/contents/blob/stdout?tail=1`, { token });
    runner.send({ type: "read_end", id: (await runner.next("read")).id, chunks: 0, info: fileInfo });
    const summary = await runner.next("read");
    expect(summary.spec).toMatchObject({ kind: "summary", head: 0, tail: 1 });
    runner.answerBytes(summary.id, encoder.encode("epoch 3\n"));
    expect((await tail).text).toBe("epoch 3\n");
    runner.close();
  });

  it("streams a directory as a tar", async () => {
    const { token, runner, run } = await running();
    const pending = raw("GET", `/rest/bundles/${run.uuid}/contents/blob/`, { token });
    const ask = await runner.next("read");
    runner.send({
      type: "read_end",
      id: ask.id,
      chunks: 0,
      info: { name: run.uuid, type: "directory", size: 0, perm: 0o755 },
    });
    const stream = await runner.next("read");
    expect(stream.spec).toEqual({ kind: "stream_directory" });
    const tar = new Uint8Array(1024).fill(0);
    runner.answerBytes(stream.id, tar, 300);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    expect(res.bytes).toEqual(tar);
    runner.close();
  });

  it("answers the runner's refusals with the matching errors", async () => {
    const { token, runner, run } = await running();
    const missing = raw("GET", `/rest/bundles/${run.uuid}/contents/info/nothing`, { token });
    const read = await runner.next("read");
    runner.send({ type: "read_error", id: read.id, code: "not_found", message: '"nothing" does not exist (yet)' });
    const res = await missing;
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error.message).toBe('"nothing" does not exist (yet)');

    runner.close();
    const gone = await raw("GET", `/rest/bundles/${run.uuid}/contents/info/`, { token });
    expect(gone.status).toBe(503);
    expect(JSON.parse(gone.text).error.code).toBe("UNAVAILABLE");
  });

  it("is refused to callers who cannot read the bundle", async () => {
    const { runner, run } = await running();
    const { accessToken: stranger } = await signUpAndLogIn();
    const res = await raw("GET", `/rest/bundles/${run.uuid}/contents/info/`, { token: stranger });
    expect(res.status).toBe(403);
    expect(runner.pending().some((message) => message.type === "read")).toBe(false);
    runner.close();
  });
});
