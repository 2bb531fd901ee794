import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAllBytes } from "@codalab/core/archive/entry-body";
import { readTar } from "@codalab/core/archive/tar-reader";
import { MAX_READ_CHUNK_BYTES, type ReadSpec, type TargetInfo } from "@codalab/core/runs/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { streamOf } from "../testing/fixtures.ts";
import { type ReadErrorCode, serveRead } from "./serve-read.ts";

let base: string;
let root: string;
const UUID = `0x${"e".repeat(32)}`;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "cl-runner-read-"));
  root = join(base, "run");
  await mkdir(join(root, "out/deep"), { recursive: true });
  await mkdir(join(root, "dep"), { recursive: true });
  await writeFile(join(root, "stdout"), "one\ntwo\nthree\n");
  await writeFile(join(root, "out/deep/x.bin"), new Uint8Array(MAX_READ_CHUNK_BYTES + 10).fill(7));
  await writeFile(join(root, "dep/secret"), "dependency data");
  await writeFile(join(base, "passwd"), "root:x:0:0");
  await symlink(join(base, "passwd"), join(root, "passwd-link"));
  await symlink(base, join(root, "escape"));
});

type Reply = {
  chunks: Uint8Array[];
  info?: TargetInfo;
  error?: { code: ReadErrorCode; message: string };
  ended: boolean;
};

async function read(path: string, spec: ReadSpec): Promise<Reply> {
  const reply: Reply = { chunks: [], ended: false };
  await serveRead(
    { root, uuid: UUID, hidden: ["dep"], path, spec },
    {
      chunk: async (data) => {
        expect(data.byteLength).toBeLessThanOrEqual(MAX_READ_CHUNK_BYTES);
        reply.chunks.push(Uint8Array.from(data));
        return true;
      },
      end: (info) => {
        reply.ended = true;
        if (info) reply.info = info;
      },
      error: (code, message) => {
        reply.error = { code, message };
      },
    },
  );
  return reply;
}

const text = (reply: Reply) => new TextDecoder().decode(Buffer.concat(reply.chunks));

describe("live reads of a run's directory", () => {
  it("describes the directory to a depth, hiding dependencies and showing links as links", async () => {
    const { info } = await read("", { kind: "info", depth: 2 });
    expect(info?.name).toBe(UUID);
    const names = info?.contents?.map((c) => c.name);
    expect(names).toEqual(["escape", "out", "passwd-link", "stdout"]);
    expect(info?.contents?.find((c) => c.name === "passwd-link")).toMatchObject({
      type: "link",
      link: join(base, "passwd"),
    });
    expect(info?.contents?.find((c) => c.name === "out")?.contents?.[0]).toMatchObject({
      name: "deep",
      type: "directory",
    });
    expect(info?.contents?.find((c) => c.name === "out")?.contents?.[0]?.contents).toBeUndefined();
    const file = await read("stdout", { kind: "info", depth: 0 });
    expect(file.info).toEqual({ name: "stdout", type: "file", size: 14, perm: 0o644 });
  });

  it("reads a byte range of a file in chunks", async () => {
    const reply = await read("stdout", { kind: "file", offset: 4, length: 3 });
    expect(text(reply)).toBe("two");
    const big = await read("out/deep/x.bin", { kind: "file", offset: 0, length: 10 ** 9 });
    expect(big.chunks.map((c) => c.byteLength)).toEqual([MAX_READ_CHUNK_BYTES, 10]);
    expect(big.ended).toBe(true);
  });

  it("summarizes a file", async () => {
    expect(text(await read("stdout", { kind: "summary", head: 1, tail: 1, truncation_text: "..\n" }))).toBe(
      "one\n..\nthree\n",
    );
  });

  it("streams a directory as a tar without the dependencies", async () => {
    const reply = await read("", { kind: "stream_directory" });
    const names: string[] = [];
    const bodies = new Map<string, string>();
    for await (const entry of readTar(streamOf(reply.chunks))) {
      names.push(entry.path);
      if (entry.header.type === "file")
        bodies.set(entry.path, new TextDecoder().decode(await readAllBytes(entry.body)));
    }
    expect(names).toEqual(["escape", "out", "out/deep", "out/deep/x.bin", "passwd-link", "stdout"]);
    expect(bodies.get("stdout")).toBe("one\ntwo\nthree\n");
    const sub = await read("out", { kind: "stream_directory" });
    const subNames: string[] = [];
    for await (const entry of readTar(streamOf(sub.chunks))) subNames.push(entry.path);
    expect(subNames).toEqual(["deep", "deep/x.bin"]);
  });

  it.each<[string, string, ReadSpec, ReadErrorCode, string]>([
    ["a dependency", "dep/secret", { kind: "file", offset: 0, length: 9 }, "not_found", "is a dependency of the run"],
    ["a path through a link", "escape/passwd", { kind: "file", offset: 0, length: 9 }, "not_found", "does not exist"],
    ["a link's target", "passwd-link", { kind: "file", offset: 0, length: 9 }, "invalid_path", "is a symbolic link"],
    ["a directory as a file", "out", { kind: "summary", head: 1, tail: 1 }, "invalid_path", "is a directory"],
    ["a file as a directory", "stdout", { kind: "stream_directory" }, "invalid_path", "is not a directory"],
    ["a path climbing out", "../passwd", { kind: "info", depth: 0 }, "invalid_path", "may not contain '..'"],
    ["a missing file", "nope", { kind: "info", depth: 0 }, "not_found", "does not exist"],
  ])("refuses %s", async (_, path, spec, code, message) => {
    const reply = await read(path, spec);
    expect(reply.error?.code).toBe(code);
    expect(reply.error?.message).toContain(message);
    expect(reply.chunks).toEqual([]);
  });
});
