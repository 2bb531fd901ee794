import { exports } from "cloudflare:workers";
import { encodeChunk } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type ErrorBody, raw, readyDirectoryBundle } from "./helpers/bundles.ts";
import { createRun, FakeRunner, waitForState } from "./runs-fake-runner.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A followed file's answer, read as it arrives. */
class Followed {
  readonly response: Response;
  text = "";
  ended = false;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pending: Promise<void> | undefined;

  private constructor(response: Response) {
    this.response = response;
    if (response.body === null) throw new Error("no body");
    this.#reader = response.body.getReader();
  }

  static async open(token: string, path: string): Promise<Followed> {
    const response = await exports.default.fetch(
      new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return new Followed(response);
  }

  #pull(): Promise<void> {
    this.#pending ??= this.#reader.read().then(({ done, value }) => {
      this.#pending = undefined;
      if (done) this.ended = true;
      else this.text += decoder.decode(value, { stream: true });
    });
    return this.#pending;
  }

  async until(probe: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) throw new Error(`gave up; have ${JSON.stringify(this.text)} (ended: ${this.ended})`);
      await Promise.race([this.#pull(), new Promise((resolve) => setTimeout(resolve, left))]);
    }
  }

  async end(timeoutMs = 5000): Promise<string> {
    await this.until(() => this.ended, timeoutMs);
    return this.text;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}

async function runningRun(options: { protocol?: number } = {}) {
  const { accessToken: token } = await signUpAndLogIn();
  const runner = await FakeRunner.connect(token, uniqueName("w"), { protocol_version: options.protocol ?? 2 });
  const run = await createRun(token, "python train.py");
  await runner.accept(run.uuid);
  runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
  await waitForState(token, run.uuid, "running");
  return { token, runner, run };
}

function sendBytes(runner: FakeRunner, id: string, index: number, text: string): void {
  runner.send({ type: "read_chunk", id, index, data: encodeChunk(encoder.encode(text)) });
}

async function finish(runner: FakeRunner, uuid: string, stdout: string): Promise<void> {
  await runner.upload(uuid, [{ type: "file", path: "stdout", data: stdout }]);
  runner.send({ type: "run_finished", uuid, exitcode: 0, failure_message: null });
}

describe("following a file as it is written", () => {
  it("passes on the worker's bytes as they come, then the rest from the store, none lost or repeated", async () => {
    const { token, runner, run } = await runningRun();
    const followed = await Followed.open(token, `/rest/bundles/${run.uuid}/contents/blob/stdout?follow=1`);
    expect(followed.response.headers.get("x-codalab-follow-offset")).toBe("0");
    const read = await runner.next("read");
    expect(read).toMatchObject({ uuid: run.uuid, path: "stdout", spec: { kind: "follow", offset: 0 } });
    runner.send({ type: "read_chunk", id: read.id, index: 0, data: "" });
    sendBytes(runner, read.id, 1, "epoch 1\n");
    await followed.until(() => followed.text === "epoch 1\n");
    sendBytes(runner, read.id, 2, "epoch 2\n");
    await followed.until(() => followed.text === "epoch 1\nepoch 2\n");
    // The run stopped; what it wrote last reaches the store only.
    runner.send({ type: "read_end", id: read.id, chunks: 3 });
    await finish(runner, run.uuid, "epoch 1\nepoch 2\nepoch 3\n");
    expect(await followed.end()).toBe("epoch 1\nepoch 2\nepoch 3\n");
    expect(runner.pending().filter((message) => message.type === "read")).toEqual([]);
    runner.close();
  });

  it("asks again from the byte reached when the worker's read breaks", async () => {
    const { token, runner, run } = await runningRun();
    const followed = await Followed.open(token, `/rest/bundles/${run.uuid}/contents/blob/stdout?follow=1&offset=3`);
    const first = await runner.next("read");
    expect(first.spec).toEqual({ kind: "follow", offset: 3 });
    sendBytes(runner, first.id, 0, "abcde");
    await followed.until(() => followed.text === "abcde");
    runner.send({ type: "read_error", id: first.id, code: "internal", message: "disk hiccup" });
    const second = await runner.next("read", () => true, 6000);
    expect(second.spec).toEqual({ kind: "follow", offset: 8 });
    sendBytes(runner, second.id, 0, "fg");
    runner.send({ type: "read_end", id: second.id, chunks: 1 });
    await finish(runner, run.uuid, "012abcdefgh");
    expect(await followed.end()).toBe("abcdefgh");
    runner.close();
  });

  it("waits through staging for a run created after the follow began", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const run = await createRun(token, "echo hi");
    const followed = await Followed.open(token, `/rest/bundles/${run.uuid}/contents/blob/stdout?follow=1`);
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await runner.accept(run.uuid);
    const read = await runner.next("read");
    expect(read.spec).toEqual({ kind: "follow", offset: 0 });
    sendBytes(runner, read.id, 0, "hi\n");
    runner.send({ type: "read_end", id: read.id, chunks: 1 });
    await finish(runner, run.uuid, "hi\n");
    expect(await followed.end()).toBe("hi\n");
    runner.close();
  });

  it("serves a run on an older runner from the store once it is over", async () => {
    const { token, runner, run } = await runningRun({ protocol: 1 });
    const followed = await Followed.open(token, `/rest/bundles/${run.uuid}/contents/blob/stdout?follow=1`);
    await finish(runner, run.uuid, "all at the end\n");
    expect(await followed.end()).toBe("all at the end\n");
    expect(runner.pending().some((message) => message.type === "read")).toBe(false);
    runner.close();
  });

  it("tells the worker to stop when the client goes away", async () => {
    const { token, runner, run } = await runningRun();
    const followed = await Followed.open(token, `/rest/bundles/${run.uuid}/contents/blob/stdout?follow=1`);
    const read = await runner.next("read");
    runner.send({ type: "read_chunk", id: read.id, index: 0, data: "" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await followed.cancel();
    expect(await runner.next("read_cancel")).toEqual({ type: "read_cancel", id: read.id });
    runner.close();
  });

  it("answers a final bundle's file from the offset, at once", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const bundle = await readyDirectoryBundle(token, [
      { type: "file", path: "log", data: "0123456789" },
      { type: "directory", path: "sub" },
    ]);
    const base = `/rest/bundles/${bundle.uuid}/contents/blob`;
    expect((await raw("GET", `${base}/log?follow=1&offset=6`, { token })).text).toBe("6789");
    expect((await raw("GET", `${base}/log?follow=true&offset=10`, { token })).text).toBe("");
    const refusals: [string, number, string][] = [
      [`${base}/log?follow=1&offset=11`, 416, "offset 11 lies beyond the file's 10 bytes"],
      [`${base}/sub?follow=1`, 400, 'follow applies to files; "sub" is a directory'],
      [`${base}/log?follow=1&tail=2`, 400, "follow cannot be combined with head or tail"],
      [`${base}/log?offset=2`, 400, "offset applies with follow=1"],
      [`${base}/log?follow=yes`, 400, "follow"],
      [`${base}/log?follow=1&offset=-1`, 400, "offset"],
    ];
    for (const [path, status, message] of refusals) {
      const res = await api<ErrorBody>("GET", path, { token });
      expect(res.status, path).toBe(status);
      expect(res.body.error.message).toContain(message);
    }
    const ranged = await api<ErrorBody>("GET", `${base}/log?follow=1`, { token, headers: { range: "bytes=0-1" } });
    expect(ranged.body.error.message).toContain("Range");
  });

  it("refuses a follow of a bundle the caller cannot read", async () => {
    const { token, runner, run } = await runningRun();
    const stranger = await signUpAndLogIn();
    const res = await api<ErrorBody>("GET", `/rest/bundles/${run.uuid}/contents/blob/stdout?follow=1`, {
      token: stranger.accessToken,
    });
    expect(res.status).toBe(403);
    expect(runner.pending().some((message) => message.type === "read")).toBe(false);
    expect(token).toBeTruthy();
    runner.close();
  });
});
