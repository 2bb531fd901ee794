import { lstat, mkdtemp, readdir, readFile, readlink, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeTarHeader, paddingFor, type TarHeaderInit } from "@codalab/core/archive/tar-header";
import { beforeEach, describe, expect, it } from "vitest";
import { extractTar } from "./extract-tar.ts";

type Member = Omit<TarHeaderInit, "mode" | "mtime"> & { mode?: number; body?: string };

/** A raw tar, written without TarWriter's checks so tests can build hostile archives. */
function tar(members: Member[]): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const member of members) {
    const body = new TextEncoder().encode(member.body ?? "");
    parts.push(encodeTarHeader({ mode: 0o644, mtime: 1_600_000_000, ...member, size: body.byteLength }));
    parts.push(body, new Uint8Array(paddingFor(body.byteLength)));
  }
  parts.push(new Uint8Array(1024));
  const bytes = Buffer.concat(parts);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes));
      controller.close();
    },
  });
}

let outside: string;
let target: string;

beforeEach(async () => {
  outside = await mkdtemp(join(tmpdir(), "cl-extract-outside-"));
  target = await mkdtemp(join(tmpdir(), "cl-extract-"));
});

describe("extractTar", () => {
  it("recreates directories, files, modes, mtimes, links and hardlinks", async () => {
    await extractTar(
      tar([
        { name: "d/", type: "directory", mode: 0o750 },
        { name: "d/f.txt", type: "file", body: "hello", mode: 0o600 },
        { name: "implied/deep/g", type: "file", body: "g" },
        { name: "abs", type: "symlink", linkTarget: "/etc/passwd" },
        { name: "hard", type: "hardlink", linkTarget: "d/f.txt" },
      ]),
      target,
    );
    expect(await readFile(join(target, "d/f.txt"), "utf8")).toBe("hello");
    expect((await stat(join(target, "d/f.txt"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(target, "d"))).mode & 0o777).toBe(0o750);
    expect((await stat(join(target, "d"))).mtimeMs).toBe(1_600_000_000_000);
    expect(await readFile(join(target, "implied/deep/g"), "utf8")).toBe("g");
    expect(await readlink(join(target, "abs"))).toBe("/etc/passwd");
    expect((await stat(join(target, "hard"))).ino).toBe((await stat(join(target, "d/f.txt"))).ino);
  });

  it("never writes through a symlink it created", async () => {
    const hostile = tar([
      { name: "escape", type: "symlink", linkTarget: outside },
      { name: "escape/pwned", type: "file", body: "x" },
    ]);
    await expect(extractTar(hostile, target)).rejects.toThrow('goes through the symlink "escape"');
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses paths leaving the directory, duplicates and device files", async () => {
    await expect(extractTar(tar([{ name: "../evil", type: "file", body: "x" }]), target)).rejects.toThrow(
      "'..' is not allowed",
    );
    await expect(extractTar(tar([{ name: "/etc/evil", type: "file", body: "x" }]), target)).rejects.toThrow(
      "absolute paths are not allowed",
    );
    const fresh = await mkdtemp(join(tmpdir(), "cl-extract-"));
    await expect(
      extractTar(
        tar([
          { name: "same", type: "file", body: "1" },
          { name: "same", type: "file", body: "2" },
        ]),
        fresh,
      ),
    ).rejects.toThrow("is a duplicate");
    expect(await readFile(join(fresh, "same"), "utf8")).toBe("1");
    expect((await lstat(join(fresh, "same"))).isFile()).toBe(true);
  });
});
