import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import { buildBundleTree, getTargetInfo, verifyEntryAgainstHeader } from "./bundle-index.ts";
import { gunzipStream, gzipStream } from "./compression.ts";
import { readAllBytes } from "./entry-body.ts";
import { ExtractPolicy, type ExtractPolicyOptions, normalizeArchive, symlinkProblem } from "./extract-policy.ts";
import { BLOCK_SIZE, encodeTarHeader, paddingFor, type TarEntryType, type TarHeader } from "./tar-header.ts";
import { type ArchiveEntry, readTar } from "./tar-reader.ts";

const encode = (value: string) => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function header(name: string, type: TarEntryType, extra: Partial<TarHeader> = {}): TarHeader {
  return { name, type, size: 0, mode: type === "directory" ? 0o755 : 0o644, mtime: 0, linkTarget: "", ...extra };
}

function admitAll(headers: TarHeader[], options: ExtractPolicyOptions = {}) {
  const policy = new ExtractPolicy(options);
  return headers.map((h) => policy.admit({ header: h, path: h.name.replace(/^\.\/|\/$/g, "") }));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

type RawMember = {
  name: string;
  type?: "file" | "directory" | "symlink" | "hardlink";
  data?: string;
  link?: string;
  mode?: number;
};

/** A tar with arbitrary (possibly hostile) members, as an attacker would build it. */
function hostileTar(members: RawMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { name, type = "file", data = "", link, mode } of members) {
    const bytes = encode(data);
    const defaultMode = type === "directory" ? 0o755 : type === "symlink" ? 0o777 : 0o644;
    const init = { name, type, size: bytes.byteLength, mode: mode ?? defaultMode, mtime: 1000, linkTarget: link };
    parts.push(encodeTarHeader(init), bytes, new Uint8Array(paddingFor(bytes.byteLength)));
  }
  parts.push(new Uint8Array(2 * BLOCK_SIZE));
  return concat(...parts);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function normalize(tar: Uint8Array, options: ExtractPolicyOptions = {}) {
  const { readable, index } = normalizeArchive(readTar(streamOf(tar)), options);
  const bytes = await readAllBytes(readable);
  return { bytes, index: await index };
}

async function listTar(tar: Uint8Array): Promise<[string, string, string][]> {
  const out: [string, string, string][] = [];
  for await (const entry of readTar(streamOf(tar))) {
    out.push([entry.path, entry.header.type, entry.header.linkTarget || decode(await readAllBytes(entry.body))]);
  }
  return out;
}

describe("normalizeArchive", () => {
  it("re-encodes a safe archive as a verified tar and index", async () => {
    const tar = hostileTar([
      { name: "./", type: "directory" },
      { name: "./src/", type: "directory", mode: 0o2755 },
      { name: "./src/run.sh", data: "#!/bin/sh\n", mode: 0o4755 },
      { name: "./deep/er/file", data: "implied parents" },
      { name: "./src/current", type: "symlink", link: "run.sh" },
      { name: "./src/up", type: "symlink", link: "../deep/er/file" },
      { name: "./same", type: "hardlink", link: "./src/run.sh" },
    ]);
    const { bytes, index } = await normalize(tar);
    expect(index.tar_size).toBe(bytes.byteLength);
    expect(index.entries.map((entry) => [entry.path, entry.type, entry.mode])).toEqual([
      ["src", "directory", 0o755],
      ["src/run.sh", "file", 0o755],
      ["deep/er/file", "file", 0o644],
      ["src/current", "link", 0o777],
      ["src/up", "link", 0o777],
      ["same", "file", 0o755],
    ]);
    for (const entry of index.entries)
      verifyEntryAgainstHeader(entry, bytes.subarray(entry.header_offset, entry.offset));
    expect(await listTar(bytes)).toEqual([
      ["src", "directory", ""],
      ["src/run.sh", "file", "#!/bin/sh\n"],
      ["deep/er/file", "file", "implied parents"],
      ["src/current", "symlink", "run.sh"],
      ["src/up", "symlink", "../deep/er/file"],
      ["same", "hardlink", "src/run.sh"],
    ]);
    expect(getTargetInfo(buildBundleTree(index), "deep", 2)?.contents?.[0]?.contents?.[0]).toMatchObject({
      name: "file",
      size: 15,
    });
  });

  it("rejects '../evil' and '/tmp/evil' and writes nothing (security case)", async () => {
    for (const name of ["../evil", "/tmp/evil"]) {
      const tar = hostileTar([
        { name: "ok", data: "fine" },
        { name, data: "pwned" },
      ]);
      const { readable, index } = normalizeArchive(readTar(streamOf(tar)));
      const output = readAllBytes(readable);
      await expect(output).rejects.toMatchObject({ code: "INVALID_ARCHIVE", message: expect.stringContaining(name) });
      await expect(index).rejects.toBeInstanceOf(CodalabError);
    }
  });

  it("never writes through a symlink: link -> /etc then link/passwd (security case)", async () => {
    const tar = hostileTar([
      { name: "link", type: "symlink", link: "/etc" },
      { name: "link/passwd", data: "root::0:0::/:/bin/sh" },
    ]);
    await expect(normalize(tar)).rejects.toThrow(`archive member "link" is a symlink that points outside the bundle`);
    await expect(normalize(tar, { keepSymlinks: false })).rejects.toThrow(
      `archive member "link/passwd" goes through the symlink "link"`,
    );
  });

  it("refuses members that go through an in-bundle symlink too (link -> sub, link/x)", async () => {
    const tar = hostileTar([
      { name: "sub/", type: "directory" },
      { name: "link", type: "symlink", link: "sub" },
      { name: "link/x", data: "x" },
    ]);
    await expect(normalize(tar)).rejects.toThrow(/"link\/x" goes through the symlink "link"/);
  });

  it("drops symlinks when asked, keeping everything else", async () => {
    const tar = hostileTar([
      { name: "f", data: "1" },
      { name: "l", type: "symlink", link: "/etc/passwd" },
    ]);
    const { index } = await normalize(tar, { keepSymlinks: false });
    expect(index.entries.map((entry) => entry.path)).toEqual(["f"]);
  });

  it("skips excluded members and whole excluded directories", async () => {
    const tar = hostileTar([
      { name: ".git/", type: "directory" },
      { name: ".git/config", data: "secret" },
      { name: "src/a.py", data: "a" },
      { name: "src/a.pyc", data: "bytecode" },
      { name: "build/tmp/x", data: "x" },
      { name: "build/keep", data: "k" },
    ]);
    const { index } = await normalize(tar, { exclude: [".git", "*.pyc", "/build/tmp/"] });
    expect(index.entries.map((entry) => entry.path)).toEqual(["src/a.py", "build/keep"]);
  });

  it("stops at the member limit and the size limit, naming the member", async () => {
    const tar = hostileTar([
      { name: "a", data: "12345" },
      { name: "b", data: "67890" },
    ]);
    await expect(normalize(tar, { maxMembers: 1 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringContaining(`more than 1 members (stopped at archive member "b")`),
    });
    await expect(normalize(tar, { maxTotalSize: 9 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringContaining(`more than 9 bytes (stopped at archive member "b")`),
    });
    expect((await normalize(tar, { maxMembers: 2, maxTotalSize: 10 })).index.entries).toHaveLength(2);
  });

  it("refuses a huge declared size before reading any of it", async () => {
    const tar = concat(encodeTarHeader({ name: "bomb", type: "file", size: 2 ** 40, mode: 0o644, mtime: 0 }));
    await expect(normalize(tar, { maxTotalSize: 2 ** 30 })).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("unpacks a tar.gz made with CompressionStream", async () => {
    const tar = hostileTar([{ name: "dir/hello.txt", data: "hello, gzip" }]);
    const gz = await readAllBytes(gzipStream(streamOf(tar)));
    const { readable, index } = normalizeArchive(readTar(gunzipStream(streamOf(gz))));
    const bytes = await readAllBytes(readable);
    expect(await listTar(bytes)).toEqual([["dir/hello.txt", "file", "hello, gzip"]]);
    expect((await index).entries).toHaveLength(1);
  });

  it("keeps up with a 20 000-file directory", async () => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 20_000; i++) {
      const data = encode(`file ${i}\n`);
      parts.push(
        encodeTarHeader({ name: `d${i % 20}/f${i}.txt`, type: "file", size: data.byteLength, mode: 0o644, mtime: i }),
      );
      parts.push(data, new Uint8Array(paddingFor(data.byteLength)));
    }
    parts.push(new Uint8Array(1024));
    const tar = concat(...parts);
    const { index, bytes } = await normalize(tar);
    expect(index.entries).toHaveLength(20_000);
    // Same members, same mtimes: the re-encoded archive is byte-identical.
    expect(sameBytes(bytes, tar)).toBe(true);
  }, 60_000);
});

describe("ExtractPolicy.admit", () => {
  it("refuses device files, FIFOs and unknown member types", () => {
    for (const type of ["character-device", "block-device", "fifo"] as const) {
      expect(() => admitAll([header("dev", type)])).toThrow(/device files and FIFOs are not allowed/);
    }
    expect(() => admitAll([header("sparse", "other", { typeflag: "S" })])).toThrow(/unsupported type \(tar type "S"\)/);
    expect(() => admitAll([header("weird", "other")])).toThrow(/unsupported type \(tar type "\?"\)/);
  });

  it("skips the root directory but refuses anything else at the root", () => {
    expect(admitAll([header("./", "directory")])).toEqual([{ action: "skip", reason: "root" }]);
    expect(() => admitAll([header("", "file")])).toThrow(/would replace the bundle's root/);
  });

  it("refuses duplicates and conflicts with implied directories", () => {
    expect(() => admitAll([header("f", "file"), header("f", "file")])).toThrow(/"f" is a duplicate of an earlier file/);
    expect(() => admitAll([header("d/", "directory"), header("d/", "directory")])).toThrow(
      /duplicate of an earlier directory/,
    );
    expect(() => admitAll([header("d/x", "file"), header("d", "file")])).toThrow(/duplicate of an earlier directory/);
    expect(admitAll([header("d/x", "file"), header("d/", "directory")])).toEqual([
      { action: "write" },
      { action: "write" },
    ]);
    expect(() => admitAll([header("f", "file"), header("f/x", "file")])).toThrow(
      /"f\/x" is inside "f", which is a file/,
    );
  });

  it("refuses symlinks that leave the bundle", () => {
    for (const [name, target] of [
      ["abs", "/etc/passwd"],
      ["d/up", "../../etc"],
      ["empty", ""],
    ] as const) {
      expect(() => admitAll([header(name, "symlink", { linkTarget: target })]), target).toThrow(/is a symlink that/);
    }
    expect(admitAll([header("d/ok", "symlink", { linkTarget: "../f" })])).toEqual([{ action: "write" }]);
  });

  it("refuses '..' after a name in a link target, which could climb out through another link", () => {
    const headers = [header("x", "symlink", { linkTarget: "." }), header("l", "symlink", { linkTarget: "x/.." })];
    expect(() => admitAll(headers)).toThrow(/uses '\.\.' after a name/);
    expect(symlinkProblem("a/b/l", "../../c/./d")).toBeNull();
    expect(symlinkProblem("a/l", "b/../c")).toMatch(/after a name/);
  });

  it("admits hardlinks only to files already in the archive", () => {
    expect(admitAll([header("f", "file"), header("h", "hardlink", { linkTarget: "./f" })])).toEqual([
      { action: "write" },
      { action: "hardlink", target: "f" },
    ]);
    expect(() => admitAll([header("h", "hardlink", { linkTarget: "../../etc/passwd" })])).toThrow(
      /hardlink that points outside the bundle/,
    );
    expect(() => admitAll([header("h", "hardlink", { linkTarget: "/etc/passwd" })])).toThrow(/points outside/);
    expect(() => admitAll([header("h", "hardlink", { linkTarget: "later" })])).toThrow(
      /not a file earlier in the archive/,
    );
    expect(() => admitAll([header("d/", "directory"), header("h", "hardlink", { linkTarget: "d" })])).toThrow(
      /not a file earlier/,
    );
    expect(() =>
      admitAll([header("x.bin", "file"), header("h", "hardlink", { linkTarget: "x.bin" })], { exclude: ["*.bin"] }),
    ).toThrow(/hardlink to "x.bin", which was excluded/);
  });

  it("accepts entries built by any producer, not only the tar reader", async () => {
    async function* entries(): AsyncGenerator<ArchiveEntry> {
      yield { header: header("made/by/cli.txt", "file", { size: 3 }), path: "made/by/cli.txt", body: encode("cli") };
      yield { header: header("skipped.tmp", "file", { size: 1 }), path: "skipped.tmp", body: streamOf(encode("x")) };
    }
    const { readable, index } = normalizeArchive(entries(), { exclude: ["*.tmp"], highWaterMark: 4096 });
    expect(await listTar(await readAllBytes(readable))).toEqual([["made/by/cli.txt", "file", "cli"]]);
    expect((await index).entries).toHaveLength(1);
  });
});
