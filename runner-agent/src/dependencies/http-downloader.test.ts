import { lstat, mkdtemp, readFile, readlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeTarHeader } from "@codalab/core/archive/tar-header";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeServer } from "../testing/fake-server.ts";
import { streamOf, UUID_A, UUID_B } from "../testing/fixtures.ts";
import { workerApi } from "../testing/test-api.ts";
import { httpDownloader } from "./http-downloader.ts";
import { unpackTar } from "./unpack-tar.ts";

let server: FakeServer;
let dir: string;
beforeEach(async () => {
  server = await FakeServer.start();
  dir = await mkdtemp(join(tmpdir(), "cl-runner-download-"));
});
afterEach(async () => {
  await server.close();
});

const options = () => ({ signal: new AbortController().signal, onProgress: () => undefined });

describe("downloading a dependency", () => {
  it("fetches a file bundle", async () => {
    server.bundles.set(UUID_A, { type: "file", data: new TextEncoder().encode("abc") });
    const dest = join(dir, "contents");
    const progress: number[] = [];
    const result = await httpDownloader(workerApi(server))({ parent_uuid: UUID_A, parent_path: "" }, dest, {
      ...options(),
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result).toEqual({ type: "file", size: 3 });
    expect(await readFile(dest, "utf8")).toBe("abc");
    expect(progress.at(-1)).toBe(3);
  });

  it("fetches a directory (or a directory inside a bundle) and unpacks it", async () => {
    server.bundles.set(UUID_A, {
      type: "directory",
      files: { "data/a.txt": "A", "data/sub/b.txt": "BB", "data/link": { link: "a.txt" }, "other.txt": "x" },
    });
    const download = httpDownloader(workerApi(server));
    const dest = join(dir, "data");
    const result = await download({ parent_uuid: UUID_A, parent_path: "data" }, dest, options());
    expect(result).toEqual({ type: "directory", size: 3 });
    expect(await readFile(join(dest, "sub/b.txt"), "utf8")).toBe("BB");
    expect(await readlink(join(dest, "link"))).toBe("a.txt");
    const nested = await download({ parent_uuid: UUID_A, parent_path: "data/sub/b.txt" }, join(dir, "b"), options());
    expect(nested).toEqual({ type: "file", size: 2 });
  });

  it("refuses a link as a dependency and reports missing bundles", async () => {
    server.bundles.set(UUID_A, { type: "directory", files: { l: { link: "/etc/passwd" } } });
    const download = httpDownloader(workerApi(server));
    await expect(download({ parent_uuid: UUID_A, parent_path: "l" }, join(dir, "l"), options())).rejects.toThrow(
      "is a symbolic link to /etc/passwd; depend on its target instead",
    );
    await expect(download({ parent_uuid: UUID_B, parent_path: "" }, join(dir, "x"), options())).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

async function tarOf(build: (writer: TarWriter) => Promise<void>): Promise<ReadableStream<Uint8Array>> {
  const writer = new TarWriter();
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    for await (const chunk of writer.readable) chunks.push(chunk);
  })();
  await build(writer);
  await writer.finish();
  await reading;
  return streamOf(chunks);
}

function rawTar(blocks: Uint8Array[]): ReadableStream<Uint8Array> {
  return streamOf([...blocks, new Uint8Array(1024)]);
}

describe("unpacking a directory dependency", () => {
  it("writes files, directories, links and hardlinks with their modes", async () => {
    const stream = await tarOf(async (w) => {
      await w.addDirectory("d", { mtime: 1_600_000_000, mode: 0o555 });
      await w.addFile("d/f", new TextEncoder().encode("hey"), { size: 3, mtime: 1_600_000_000, mode: 0o600 });
      await w.addHardlink("d/g", "d/f");
      await w.addSymlink("d/l", "f", { mtime: 1_600_000_000 });
    });
    const dest = join(dir, "out");
    expect(await unpackTar(stream, dest)).toBe(3);
    expect(await readFile(join(dest, "d/g"), "utf8")).toBe("hey");
    expect((await lstat(join(dest, "d/f"))).mode & 0o777).toBe(0o600);
    expect((await lstat(join(dest, "d"))).mode & 0o777).toBe(0o555);
    expect((await lstat(join(dest, "d/f"))).nlink).toBe(2);
  });

  it.each([
    [
      "a path climbing out",
      [encodeTarHeader({ name: "../evil", type: "file", size: 0, mode: 0o644, mtime: 0 })],
      "'..' is not allowed",
    ],
    [
      "an absolute path",
      [encodeTarHeader({ name: "/tmp/evil", type: "file", size: 0, mode: 0o644, mtime: 0 })],
      "absolute paths",
    ],
    [
      "a link out of the bundle",
      [encodeTarHeader({ name: "l", type: "symlink", mode: 0o777, mtime: 0, linkTarget: "/etc" })],
      "points outside the bundle",
    ],
    [
      "a write through a link",
      [
        encodeTarHeader({ name: "l", type: "symlink", mode: 0o777, mtime: 0, linkTarget: "." }),
        encodeTarHeader({ name: "l/passwd", type: "file", size: 0, mode: 0o644, mtime: 0 }),
      ],
      "goes through the symlink",
    ],
  ])("refuses %s and writes nothing outside", async (_, blocks, message) => {
    await expect(unpackTar(rawTar(blocks), join(dir, "out"))).rejects.toThrow(message);
    await expect(lstat(join(dir, "evil"))).rejects.toThrow();
  });
});
