import { gzipStream } from "@codalab/core/archive/compression";
import { readAllBytes } from "@codalab/core/archive/entry-body";
import { BLOCK_SIZE, encodeTarHeader, paddingFor } from "@codalab/core/archive/tar-header";
import { readTar } from "@codalab/core/archive/tar-reader";
import { CodalabError } from "@codalab/core/errors";
import { describe, expect, it } from "vitest";
import { unpackedSource } from "./unpack-archive.ts";

const encode = (text: string) => new TextEncoder().encode(text);

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

type Member = { name: string; type?: "file" | "directory" | "symlink"; data?: string; link?: string };

/** A tar as `tar` writes it, members in the given order, including hostile ones. */
function tar(members: Member[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const { name, type = "file", data = "", link } of members) {
    const bytes = encode(data);
    const mode = type === "directory" ? 0o755 : 0o644;
    parts.push(encodeTarHeader({ name, type, size: bytes.byteLength, mode, mtime: 1_700_000_000, linkTarget: link }));
    parts.push(bytes, new Uint8Array(paddingFor(bytes.byteLength)));
  }
  parts.push(new Uint8Array(2 * BLOCK_SIZE));
  return concat(parts);
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readAllBytes(gzipStream(new Blob([bytes]).stream())));
}

/** A zip of stored members (CRCs left at zero: the reader does not check them). */
function zip(members: { name: string; data: string }[]): Uint8Array<ArrayBuffer> {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const member of members) {
    const name = encode(member.name);
    const data = encode(member.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true);
    local.setUint32(18, data.byteLength, true);
    local.setUint32(22, data.byteLength, true);
    local.setUint16(26, name.byteLength, true);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(4, (3 << 8) | 20, true);
    entry.setUint16(6, 20, true);
    entry.setUint16(8, 0x0800, true);
    entry.setUint16(14, 0x21, true); // 1980-01-01
    entry.setUint32(20, data.byteLength, true);
    entry.setUint32(24, data.byteLength, true);
    entry.setUint16(28, name.byteLength, true);
    entry.setUint32(38, (0o100644 << 16) >>> 0, true);
    entry.setUint32(42, offset, true);
    locals.push(new Uint8Array(local.buffer), name, data);
    central.push(new Uint8Array(entry.buffer), name);
    offset += 30 + name.byteLength + data.byteLength;
  }
  const directory = concat(central);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, members.length, true);
  end.setUint16(10, members.length, true);
  end.setUint32(12, directory.byteLength, true);
  end.setUint32(16, offset, true);
  return concat([...locals, directory, new Uint8Array(end.buffer)]);
}

const file = (name: string, bytes: Uint8Array<ArrayBuffer>) =>
  new File([bytes], name, { lastModified: 1_700_000_000_000 });

async function members(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of readTar(stream)) {
    out.push(entry.header.type === "file" ? `${entry.path}=${await new Response(entry.body).text()}` : entry.path);
  }
  return out;
}

const DATA: Member[] = [
  { name: "./", type: "directory" },
  { name: "./train.csv", data: "a,b\n1,2\n" },
  { name: "./sub/", type: "directory" },
  { name: "./sub/notes.txt", data: "hello" },
];

describe("unpacking an archive before upload", () => {
  it("turns a .tar.gz into a directory of its files, with the exact size and index, the same bytes every time", async () => {
    const archive = file("data.tar.gz", await gzip(tar(DATA)));
    const read: number[] = [];
    const source = await unpackedSource(archive, "tar.gz", (bytes) => read.push(bytes));
    expect(source.kind).toBe("directory");
    const first = await readAllBytes(source.open());
    expect(first.byteLength).toBe(source.size);
    expect(await readAllBytes(source.open())).toEqual(first);
    expect(await members(new Blob([first as Uint8Array<ArrayBuffer>]).stream())).toEqual([
      "train.csv=a,b\n1,2\n",
      "sub",
      "sub/notes.txt=hello",
    ]);
    expect(source.index).toMatchObject({ tar_size: source.size });
    expect(read.at(-1)).toBe(archive.size);
  });

  it("unpacks a plain .tar and a .zip the same way", async () => {
    const fromTar = await unpackedSource(file("d.tar", tar(DATA)), "tar");
    expect(await members(fromTar.open())).toEqual(["train.csv=a,b\n1,2\n", "sub", "sub/notes.txt=hello"]);
    const fromZip = await unpackedSource(
      file(
        "d.zip",
        zip([
          { name: "sub/notes.txt", data: "hello" },
          { name: "top.txt", data: "top" },
        ]),
      ),
      "zip",
    );
    expect(fromZip.kind).toBe("directory");
    expect(await members(fromZip.open())).toEqual(["sub/notes.txt=hello", "top.txt=top"]);
  });

  it("turns a .gz into the one file it compresses", async () => {
    const source = await unpackedSource(file("notes.txt.gz", await gzip(encode("line 1\nline 2\n"))), "gz");
    expect(source).toMatchObject({ kind: "file", size: 14, index: null });
    expect(new TextDecoder().decode(await readAllBytes(source.open()))).toBe("line 1\nline 2\n");
  });

  it("refuses a file that is not what its name says, naming it and how to upload it anyway", async () => {
    const refusal = unpackedSource(file("broken.tar.gz", encode("not gzip at all")), "tar.gz");
    await expect(refusal).rejects.toBeInstanceOf(CodalabError);
    await expect(refusal).rejects.toMatchObject({
      code: "INVALID_ARCHIVE",
      message: expect.stringMatching(/^Cannot unpack broken\.tar\.gz: .*Keep archive as one file/),
    });
    await expect(unpackedSource(file("x.tar", encode("short")), "tar")).rejects.toMatchObject({
      code: "INVALID_ARCHIVE",
    });
    await expect(unpackedSource(file("x.zip", encode("PK but not really")), "zip")).rejects.toMatchObject({
      code: "INVALID_ARCHIVE",
      message: expect.stringContaining("not a zip archive"),
    });
  });

  it("applies the server's rules: members that leave the bundle are refused by name", async () => {
    const evil = file("evil.tar", tar([{ name: "../evil", data: "x" }]));
    await expect(unpackedSource(evil, "tar")).rejects.toMatchObject({
      code: "INVALID_ARCHIVE",
      message: expect.stringContaining('"../evil"'),
    });
    const through = file(
      "link.tar",
      tar([
        { name: "link", type: "symlink", link: "/etc" },
        { name: "link/passwd", data: "root" },
      ]),
    );
    await expect(unpackedSource(through, "tar")).rejects.toMatchObject({ code: "INVALID_ARCHIVE" });
  });

  it("refuses bzip2, which browsers cannot decode", async () => {
    await expect(unpackedSource(file("x.tar.bz2", encode("BZh")), "tar.bz2")).rejects.toMatchObject({
      message: expect.stringContaining("no bzip2 decoder"),
    });
  });
});
