import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { countBytes } from "./byte-streams.ts";
import { localSource, type SourceOptions, type UploadSource } from "./upload-source.ts";

let root: string;
const warnings: string[] = [];
const OPTIONS: SourceOptions = {
  pack: false,
  followSymlinks: false,
  exclude: [],
  warn: (message) => warnings.push(message),
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cl-source-"));
  warnings.length = 0;
});

async function allBytes(source: UploadSource): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await countBytes(source.open(), (chunk) => chunks.push(chunk.slice()));
  return Buffer.concat(chunks);
}

describe("local upload sources", () => {
  it("measure a directory's tar exactly and give the same bytes every time", async () => {
    await mkdir(join(root, "d/z"), { recursive: true });
    await writeFile(join(root, "d/b.txt"), "bee");
    await writeFile(join(root, "d/a.txt"), "a".repeat(70_000));
    await writeFile(join(root, "d/z/n.txt"), "nested");
    const source = await localSource([join(root, "d")], OPTIONS);
    expect(source.kind).toBe("directory");
    expect(source.index?.entries.map((entry) => entry.path)).toEqual(["a.txt", "b.txt", "z", "z/n.txt"]);
    const first = await allBytes(source);
    expect(first.byteLength).toBe(source.size);
    expect(source.index?.tar_size).toBe(source.size);
    expect(Buffer.compare(first, await allBytes(source))).toBe(0);
    const again = await localSource([join(root, "d")], OPTIONS);
    expect(again.fingerprint).toBe(source.fingerprint);
  });

  it("changes the fingerprint when a file changes, and notices a file that shrank", async () => {
    await writeFile(join(root, "f.txt"), "one");
    const before = await localSource([join(root, "f.txt")], OPTIONS);
    await writeFile(join(root, "f.txt"), "two!");
    const after = await localSource([join(root, "f.txt")], OPTIONS);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    await writeFile(join(root, "f.txt"), "t");
    await expect(before.readRange?.(0, 3)).rejects.toThrow("changed while it was being uploaded");
  });

  it("refuses to pack a file of a directory that grew or shrank after it was listed", async () => {
    await mkdir(join(root, "d"));
    await writeFile(join(root, "d/small.txt"), "12345");
    await writeFile(join(root, "d/large.bin"), Buffer.alloc(2 * 1024 * 1024, 7));
    const source = await localSource([join(root, "d")], OPTIONS);
    await writeFile(join(root, "d/small.txt"), "123456");
    await expect(allBytes(source)).rejects.toThrow('"small.txt" has more than the 5 bytes declared for it');
    await writeFile(join(root, "d/small.txt"), "1234");
    await expect(allBytes(source)).rejects.toThrow('"small.txt" has 4 bytes instead of the 5 declared for it');
    await writeFile(join(root, "d/small.txt"), "12345");
    await writeFile(join(root, "d/large.bin"), Buffer.alloc(2 * 1024 * 1024 + 1, 7));
    await expect(allBytes(source)).rejects.toThrow('"large.bin" has more than the 2097152 bytes declared for it');
  });

  it("excludes by name at any depth, and by path with a slash", async () => {
    await mkdir(join(root, "d/keep/cache"), { recursive: true });
    await writeFile(join(root, "d/keep/x.pyc"), "");
    await writeFile(join(root, "d/keep/x.py"), "");
    await writeFile(join(root, "d/keep/cache/c"), "");
    const source = await localSource([join(root, "d")], { ...OPTIONS, exclude: ["*.pyc", "keep/cache"] });
    expect(source.index?.entries.map((entry) => entry.path)).toEqual(["keep", "keep/x.py"]);
  });

  it("follows symlinks with -L, and refuses a link back into its own parents", async () => {
    await mkdir(join(root, "d"));
    await mkdir(join(root, "elsewhere"));
    await writeFile(join(root, "elsewhere/e.txt"), "e");
    await symlink(join(root, "elsewhere"), join(root, "d/link"));
    const kept = await localSource([join(root, "d")], OPTIONS);
    expect(kept.index?.entries).toMatchObject([{ path: "link", type: "link", link: join(root, "elsewhere") }]);
    const followed = await localSource([join(root, "d")], { ...OPTIONS, followSymlinks: true });
    expect(followed.index?.entries.map((entry) => `${entry.path}:${entry.type}`)).toEqual([
      "link:directory",
      "link/e.txt:file",
    ]);
    await symlink("..", join(root, "elsewhere/up"));
    await expect(localSource([join(root, "d")], { ...OPTIONS, followSymlinks: true })).rejects.toThrow(
      "is a symbolic link to one of its own parent directories",
    );
  });

  it("refuses two paths with the same name and skips special files with a warning", async () => {
    await mkdir(join(root, "a"));
    await mkdir(join(root, "b"));
    await writeFile(join(root, "a/same"), "1");
    await writeFile(join(root, "b/same"), "2");
    await expect(localSource([join(root, "a/same"), join(root, "b/same")], OPTIONS)).rejects.toThrow(
      'would both be named "same" in the bundle',
    );
    execFileSync("mkfifo", [join(root, "a/fifo")]);
    const source = await localSource([join(root, "a")], OPTIONS);
    expect(source.index?.entries.map((entry) => entry.path)).toEqual(["same"]);
    expect(warnings).toEqual([
      `warning: skipping ${join(root, "a/fifo")}: not a regular file, directory or symbolic link`,
    ]);
    await expect(localSource([join(root, "a/fifo")], OPTIONS)).rejects.toThrow("is not a regular file or directory");
  });

  it("unpacks a zip and keeps it packed with --pack", async () => {
    await mkdir(join(root, "z/in"), { recursive: true });
    await writeFile(join(root, "z/in/f.txt"), "zipped");
    execFileSync("zip", ["-qr", join(root, "a.zip"), "in"], { cwd: join(root, "z") });
    const unpacked = await localSource([join(root, "a.zip")], OPTIONS);
    expect(unpacked.index?.entries.map((entry) => entry.path)).toEqual(["in", "in/f.txt"]);
    expect((await allBytes(unpacked)).byteLength).toBe(unpacked.size);
    const packed = await localSource([join(root, "a.zip")], { ...OPTIONS, pack: true });
    expect(packed.kind).toBe("file");
  });

  it("unpacks .tar.bz2 and .bz2 through bzip2", async () => {
    await mkdir(join(root, "t"));
    await writeFile(join(root, "t/x"), "bzipped");
    execFileSync("tar", ["-cjf", join(root, "t.tar.bz2"), "-C", join(root, "t"), "."]);
    const tar = await localSource([join(root, "t.tar.bz2")], OPTIONS);
    expect(tar.index?.entries.map((entry) => entry.path)).toEqual(["x"]);
    await writeFile(join(root, "plain"), "single");
    execFileSync("bzip2", [join(root, "plain")]);
    const single = await localSource([join(root, "plain.bz2")], OPTIONS);
    expect(new TextDecoder().decode(await allBytes(single))).toBe("single");
    await writeFile(join(root, "broken.bz2"), "not bzip2");
    await expect(localSource([join(root, "broken.bz2")], OPTIONS)).rejects.toThrow(/cannot unpack .*broken\.bz2/);
  });
});
