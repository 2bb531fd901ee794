import { link, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBundleIndex } from "@codalab/core/archive/bundle-index";
import { readAllBytes } from "@codalab/core/archive/entry-body";
import { readTar } from "@codalab/core/archive/tar-reader";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { excludeMatcher, measureRunDir, walkRunDir } from "../files/walk-run-dir.ts";
import { FakeServer } from "../testing/fake-server.ts";
import { streamOf, UUID_A } from "../testing/fixtures.ts";
import { workerApi } from "../testing/test-api.ts";
import { membersDataSize, predictTarSize } from "./results-tar.ts";
import { uploadRunResults } from "./upload-results.ts";

let server: FakeServer;
let root: string;
beforeEach(async () => {
  server = await FakeServer.start();
  root = join(await mkdtemp(join(tmpdir(), "cl-runner-upload-")), "run");
  await mkdir(join(root, "out/cache"), { recursive: true });
  await mkdir(join(root, "dep"), { recursive: true });
  await writeFile(join(root, "stdout"), "hello\n");
  await writeFile(join(root, "stderr"), "");
  await writeFile(
    join(root, "out/model.bin"),
    new Uint8Array(200_000).map((_, i) => i % 251),
  );
  await writeFile(join(root, "out/cache/tmp.pyc"), "x");
  await writeFile(join(root, `out/${"long-name-".repeat(15)}.txt`), "long");
  await link(join(root, "out/model.bin"), join(root, "out/model-copy.bin"));
  await symlink("model.bin", join(root, "out/latest"));
  await writeFile(join(root, "dep/input"), "input");
});
afterEach(async () => {
  await server.close();
});

async function unpack(tar: Uint8Array) {
  const files = new Map<string, string>();
  for await (const entry of readTar(streamOf([tar]))) {
    const body = entry.header.type === "file" ? await readAllBytes(entry.body) : new Uint8Array(0);
    files.set(
      entry.path,
      `${entry.header.type}:${body.length}${entry.header.linkTarget ? `->${entry.header.linkTarget}` : ""}`,
    );
  }
  return files;
}

describe("exclude patterns", () => {
  it("match a name anywhere, or a whole path when they contain a slash", () => {
    const excluded = excludeMatcher(["*.pyc", "out/cache", "/logs/"]);
    expect(excluded("a/b/c.pyc")).toBe(true);
    expect(excluded("out/cache/x")).toBe(true);
    expect(excluded("logs/today")).toBe(true);
    expect(excluded("out/model.bin")).toBe(false);
    expect(excludeMatcher([])("anything")).toBe(false);
  });
});

describe("uploading a run's results", () => {
  it("uploads the directory minus dependencies and excluded paths, in parts, then completes with the index", async () => {
    server.partSize = 64 * 1024;
    const { members } = await walkRunDir(root, { exclude: ["cache"], hidden: ["dep"] });
    expect(members.map((m) => m.path)).not.toContain("dep");
    const progress: number[] = [];
    const result = await uploadRunResults({
      api: workerApi(server),
      uuid: UUID_A,
      root,
      members,
      onProgress: (sent) => progress.push(sent),
    });
    const tar = server.uploadedTar(UUID_A);
    expect(tar.byteLength).toBe(predictTarSize(members));
    expect(result.tarSize).toBe(tar.byteLength);
    expect(result.partsSent).toBe(Math.ceil(tar.byteLength / (64 * 1024)));
    expect(progress.at(-1)).toBe(tar.byteLength);
    const files = await unpack(tar);
    expect([...files.keys()]).toEqual([
      "out",
      "out/latest",
      `out/${"long-name-".repeat(15)}.txt`,
      "out/model-copy.bin",
      "out/model.bin",
      "stderr",
      "stdout",
    ]);
    expect(files.get("out/latest")).toBe("symlink:0->model.bin");
    expect(files.get("out/model-copy.bin")).toBe("file:200000");
    expect(files.get("out/model.bin")).toBe("hardlink:0->out/model-copy.bin");
    const index = parseBundleIndex(server.uploads.get(UUID_A)?.index);
    expect(index.tar_size).toBe(tar.byteLength);
    expect(membersDataSize(members)).toBe(200_000 + 6 + 4 + "model.bin".length);
  });

  it("retries a part the server could not take, and skips parts it already has", async () => {
    const { members } = await walkRunDir(root, { hidden: ["dep"] });
    server.partSize = 32 * 1024;
    server.failParts = 2;
    const api = workerApi(server);
    await uploadRunResults({ api, uuid: UUID_A, root, members, retryDelayMs: 1 });
    const complete = server.uploads.get(UUID_A);
    expect(complete?.completed).toBe(true);
    // Same files again (a restarted runner): every part is already there.
    const again = await uploadRunResults({ api, uuid: UUID_A, root, members });
    expect(again).toMatchObject({ partsSent: 0, partsSkipped: complete?.parts.size });
  });

  it("stops with the server's message when a part is refused", async () => {
    const { members } = await walkRunDir(root, { hidden: ["dep"] });
    const api = workerApi(server);
    server.tokens.delete("worker-token");
    await expect(uploadRunResults({ api, uuid: UUID_A, root, members })).rejects.toMatchObject({
      code: "TOKEN_EXPIRED",
    });
  });

  it("gives up after the last attempt on a server that keeps failing", async () => {
    const { members } = await walkRunDir(root, { hidden: ["dep"] });
    server.failParts = 100;
    await expect(
      uploadRunResults({ api: workerApi(server), uuid: UUID_A, root, members, attempts: 2, retryDelayMs: 1 }),
    ).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("can be aborted", async () => {
    const { members } = await walkRunDir(root, { hidden: ["dep"] });
    const controller = new AbortController();
    controller.abort(new Error("killed"));
    await expect(
      uploadRunResults({ api: workerApi(server), uuid: UUID_A, root, members, signal: controller.signal }),
    ).rejects.toThrow();
  });

  it("measures the directory without its dependencies", async () => {
    expect(await measureRunDir(root, ["dep"])).toBe(6 + 200_000 * 2 + 1 + 4 + "model.bin".length);
  });
});
