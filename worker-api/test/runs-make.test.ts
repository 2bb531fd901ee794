import type { BundleJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type ErrorBody, raw, readyDirectoryBundle, readyFileBundle } from "./helpers/bundles.ts";
import { createRun, FakeRunner, waitForState } from "./runs-fake-runner.ts";

const BINARY = new Uint8Array(70_000).map((_, i) => (i * 7 + 3) % 256);

async function make(
  token: string,
  dependencies: { child_path: string; parent_uuid: string; parent_path?: string }[],
  name = "made",
): Promise<BundleJson> {
  const res = await api<{ bundle: BundleJson } & ErrorBody>("POST", "/rest/bundles", {
    token,
    body: { bundle_type: "make", dependencies, metadata: { name } },
  });
  if (res.status !== 201) throw new Error(`make: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.bundle;
}

async function blob(token: string, uuid: string, path = "") {
  return raw("GET", `/rest/bundles/${uuid}/contents/blob/${path}`, { token });
}

async function diskUsed(token: string): Promise<number> {
  const res = await api<{ user: { disk_used: number } }>("GET", "/rest/user", { token });
  return res.body.user.disk_used;
}

describe("make bundles", () => {
  it("with one unkeyed file target are that file, byte for byte, and charge the disk quota", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const parent = await readyFileBundle(token, BINARY, "weights");
    const before = await diskUsed(token);
    const made = await make(token, [{ child_path: "", parent_uuid: parent.uuid }]);
    const ready = await waitForState(token, made.uuid, "ready");
    expect(ready).toMatchObject({ is_dir: false, data_size: BINARY.byteLength });
    expect((await blob(token, made.uuid)).bytes).toEqual(BINARY);
    expect(await diskUsed(token)).toBe(before + BINARY.byteLength);
  });

  it("with one unkeyed directory target copy the directory (whole bundles byte for byte) or a file inside it", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const parent = await readyDirectoryBundle(token, [
      { type: "directory", path: "sub" },
      { type: "file", path: "sub/a.bin", data: BINARY, mode: 0o600 },
      { type: "symlink", path: "sub/link", target: "a.bin" },
      { type: "file", path: "top.txt", data: "top\n" },
    ]);
    const whole = await make(token, [{ child_path: "", parent_uuid: parent.uuid }]);
    const sub = await make(token, [{ child_path: "", parent_uuid: parent.uuid, parent_path: "sub" }]);
    const file = await make(token, [{ child_path: "", parent_uuid: parent.uuid, parent_path: "sub/a.bin" }]);
    await waitForState(token, whole.uuid, "ready");
    expect((await blob(token, whole.uuid)).bytes).toEqual((await blob(token, parent.uuid)).bytes);
    const subReady = await waitForState(token, sub.uuid, "ready");
    expect(subReady.is_dir).toBe(true);
    expect((await blob(token, sub.uuid, "a.bin")).bytes).toEqual(BINARY);
    const info = await api<{ info: { contents: { name: string; type: string; link?: string }[] } }>(
      "GET",
      `/rest/bundles/${sub.uuid}/contents/info/`,
      { token },
    );
    expect(info.body.info.contents.map((entry) => [entry.name, entry.type])).toEqual([
      ["a.bin", "file"],
      ["link", "link"],
    ]);
    const fileReady = await waitForState(token, file.uuid, "ready");
    expect(fileReady).toMatchObject({ is_dir: false, data_size: BINARY.byteLength });
    expect((await blob(token, file.uuid)).bytes).toEqual(BINARY);
  });

  it("with keyed targets are a directory with one entry per key", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const weights = await readyFileBundle(token, BINARY, "weights");
    const data = await readyDirectoryBundle(token, [
      { type: "file", path: "train.csv", data: "a,b\n1,2\n" },
      { type: "directory", path: "images" },
      { type: "file", path: "images/1.png", data: new Uint8Array([137, 80, 78, 71]) },
    ]);
    const made = await make(token, [
      { child_path: "model/weights.bin", parent_uuid: weights.uuid },
      { child_path: "train", parent_uuid: data.uuid, parent_path: "train.csv" },
      { child_path: "pics", parent_uuid: data.uuid, parent_path: "images" },
    ]);
    const ready = await waitForState(token, made.uuid, "ready");
    expect(ready.is_dir).toBe(true);
    expect(ready.data_size).toBe(BINARY.byteLength + 8 + 4);
    expect((await blob(token, made.uuid, "model/weights.bin")).bytes).toEqual(BINARY);
    expect((await blob(token, made.uuid, "train")).text).toBe("a,b\n1,2\n");
    expect((await blob(token, made.uuid, "pics/1.png")).bytes).toEqual(new Uint8Array([137, 80, 78, 71]));
    const info = await api<{ info: { contents: { name: string }[] } }>(
      "GET",
      `/rest/bundles/${made.uuid}/contents/info/?depth=1`,
      { token },
    );
    expect(info.body.info.contents.map((entry) => entry.name).sort()).toEqual(["model", "pics", "train"]);
  });

  it("fails with the reason when a target does not exist", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const data = await readyDirectoryBundle(token, [{ type: "file", path: "a", data: "a" }]);
    const made = await make(token, [{ child_path: "x", parent_uuid: data.uuid, parent_path: "missing" }]);
    const failed = await waitForState(token, made.uuid, "failed");
    expect(failed.state_details).toBe(`no file or directory "missing" in bundle ${data.uuid}`);
  });

  it("waits for a parent run and is made once it finishes", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const run = await createRun(token, "echo hi > out");
    const made = await make(token, [{ child_path: "", parent_uuid: run.uuid, parent_path: "out" }]);
    expect(made.state).toBe("created");
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    await runner.accept(run.uuid);
    await runner.upload(run.uuid, [{ type: "file", path: "out", data: "hi\n" }]);
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: 0, failure_message: null });
    await waitForState(token, run.uuid, "ready");
    await waitForState(token, made.uuid, "ready");
    expect((await blob(token, made.uuid)).text).toBe("hi\n");
    runner.close();
  });
});
