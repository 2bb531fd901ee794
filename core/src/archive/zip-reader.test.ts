import { describe, expect, it } from "vitest";
import { readAllBytes } from "./entry-body.ts";
import { normalizeArchive } from "./extract-policy.ts";
import { readTar } from "./tar-reader.ts";
import { readZip, type ZipEntry } from "./zip-reader.ts";

const encode = (value: string) => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const HOST_DOS = 0;
const HOST_UNIX = 3;

type ZipMember = {
  name: string | Uint8Array;
  data?: Uint8Array;
  /** 0 stored, 8 deflate, anything else to test refusals. */
  method?: number;
  host?: number;
  flags?: number;
  /** Unix mode, stored in the upper half of the external attributes. */
  unixMode?: number;
  externalAttributes?: number;
  extra?: Uint8Array;
  /** Overrides the uncompressed size written to the directory. */
  declaredSize?: number;
  /** Bytes written as the member's data instead of compressing `data`. */
  rawData?: Uint8Array;
  zip64?: boolean;
  dosDate?: number;
  dosTime?: number;
};

class Bytes {
  private parts: number[] = [];
  u8(value: number) {
    this.parts.push(value & 0xff);
    return this;
  }
  u16(value: number) {
    return this.u8(value).u8(value >>> 8);
  }
  u32(value: number) {
    return this.u16(value & 0xffff).u16(Math.floor(value / 0x10000));
  }
  u64(value: number) {
    return this.u32(value % 2 ** 32).u32(Math.floor(value / 2 ** 32));
  }
  bytes(value: Uint8Array) {
    for (const byte of value) this.parts.push(byte);
    return this;
  }
  get length() {
    return this.parts.length;
  }
  done() {
    return new Uint8Array(this.parts);
  }
}

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(data);
      controller.close();
    },
  });
  return readAllBytes(
    stream.pipeThrough(new CompressionStream("deflate-raw") as ReadableWritablePair<Uint8Array, Uint8Array>),
  );
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A minimal zip writer: enough of the format to exercise every path of the reader. */
async function buildZip(
  members: ZipMember[],
  options: { zip64?: boolean; comment?: string } = {},
): Promise<Uint8Array> {
  const out = new Bytes();
  const central = new Bytes();
  for (const member of members) {
    const name = typeof member.name === "string" ? encode(member.name) : member.name;
    const data = member.data ?? new Uint8Array(0);
    const method = member.method ?? 8;
    const stored = member.rawData ?? (method === 8 ? await deflateRaw(data) : data);
    const size = member.declaredSize ?? data.byteLength;
    const offset = out.length;
    const flags = member.flags ?? 0x0800;
    const local = new Bytes()
      .u32(0x04034b50)
      .u16(20)
      .u16(flags)
      .u16(method)
      .u16(member.dosTime ?? 0)
      .u16(member.dosDate ?? 0x21);
    local.u32(0).u32(stored.byteLength).u32(size).u16(name.byteLength).u16(0).bytes(name);
    out.bytes(local.done()).bytes(stored);

    const zip64 = member.zip64 ?? false;
    let extra = member.extra ?? new Uint8Array(0);
    if (zip64) {
      const field = new Bytes().u16(0x0001).u16(24).u64(size).u64(stored.byteLength).u64(offset).done();
      extra = new Uint8Array([...extra, ...field]);
    }
    const host = member.host ?? HOST_UNIX;
    const attributes = member.externalAttributes ?? (member.unixMode ?? 0) * 0x10000;
    central
      .u32(0x02014b50)
      .u16((host << 8) | 20)
      .u16(20)
      .u16(flags)
      .u16(method)
      .u16(member.dosTime ?? 0)
      .u16(member.dosDate ?? 0x21);
    central
      .u32(0)
      .u32(zip64 ? 0xffffffff : stored.byteLength)
      .u32(zip64 ? 0xffffffff : size);
    central
      .u16(name.byteLength)
      .u16(extra.byteLength)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(attributes >>> 0);
    central
      .u32(zip64 ? 0xffffffff : offset)
      .bytes(name)
      .bytes(extra);
  }
  const directoryOffset = out.length;
  const directory = central.done();
  out.bytes(directory);
  if (options.zip64) {
    const record = out.length;
    out.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0);
    out.u64(members.length).u64(members.length).u64(directory.byteLength).u64(directoryOffset);
    out.u32(0x07064b50).u32(0).u64(record).u32(1);
  }
  const comment = encode(options.comment ?? "");
  out.u32(0x06054b50).u16(0).u16(0);
  out.u16(options.zip64 ? 0xffff : members.length).u16(options.zip64 ? 0xffff : members.length);
  out
    .u32(directory.byteLength)
    .u32(options.zip64 ? 0xffffffff : directoryOffset)
    .u16(comment.byteLength)
    .bytes(comment);
  return out.done();
}

type Seen = Omit<ZipEntry, "body"> & { data: string };

async function readAll(zip: Uint8Array): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const entry of readZip(zip)) {
    const { body, ...rest } = entry;
    out.push({ ...rest, data: decode(await readAllBytes(body)) });
  }
  return out;
}

describe("readZip", () => {
  it("reads stored and deflated files, directories, modes and symlinks", async () => {
    const text = "hello zip ".repeat(500);
    const zip = await buildZip(
      [
        { name: "dir/", unixMode: 0o040750 },
        { name: "dir/deflated.txt", data: encode(text), unixMode: 0o100640 },
        { name: "dir/stored.txt", data: encode("stored"), method: 0, unixMode: 0o100755 },
        { name: "dir/link", data: encode("stored.txt"), unixMode: 0o120777 },
        { name: "dir/empty", data: new Uint8Array(0) },
      ],
      { comment: "a trailing comment" },
    );
    const entries = await readAll(zip);
    expect(entries.map((entry) => [entry.path, entry.header.type, entry.header.mode, entry.header.size])).toEqual([
      ["dir", "directory", 0o750, 0],
      ["dir/deflated.txt", "file", 0o640, text.length],
      ["dir/stored.txt", "file", 0o755, 6],
      ["dir/link", "symlink", 0o777, 0],
      ["dir/empty", "file", 0o644, 0],
    ]);
    expect(entries[1]?.data).toBe(text);
    expect(entries[2]?.data).toBe("stored");
    expect(entries[3]?.header.linkTarget).toBe("stored.txt");
    expect(entries[0]?.headerOffset).toBe(0);
    // The directory's local header, its name and 2 bytes of empty deflate stream come first.
    expect(entries[1]?.headerOffset).toBe(30 + 4 + 2);
    expect(entries[1]?.offset).toBe(30 + 4 + 2 + 30 + "dir/deflated.txt".length);
  });

  it("feeds the same extract policy as tar, giving a bundle", async () => {
    const zip = await buildZip([
      { name: "a/b.txt", data: encode("b") },
      { name: "a/link", data: encode("b.txt"), unixMode: 0o120777 },
    ]);
    const { readable, index } = normalizeArchive(readZip(zip));
    const tar = await readAllBytes(readable);
    const names: string[] = [];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(tar);
        controller.close();
      },
    });
    for await (const entry of readTar(stream)) names.push(`${entry.path}:${entry.header.type}`);
    expect(names).toEqual(["a/b.txt:file", "a/link:symlink"]);
    expect((await index).entries.map((entry) => entry.type)).toEqual(["file", "link"]);
  });

  it("refuses the same hostile members as tar (security cases)", async () => {
    for (const name of ["../evil", "/tmp/evil"]) {
      const zip = await buildZip([{ name, data: encode("x") }]);
      await expect(readAll(zip)).rejects.toThrow(`archive member ${JSON.stringify(name)}`);
    }
    const throughLink = await buildZip([
      { name: "link", data: encode("/etc"), unixMode: 0o120777 },
      { name: "link/passwd", data: encode("root::0:0") },
    ]);
    const { readable } = normalizeArchive(readZip(throughLink));
    await expect(readAllBytes(readable)).rejects.toThrow(/"link" is a symlink that points outside the bundle/);
    const fifo = await buildZip([{ name: "pipe", unixMode: 0o010644 }]);
    await expect(readAllBytes(normalizeArchive(readZip(fifo)).readable)).rejects.toThrow(/FIFOs are not allowed/);
    const socket = await buildZip([{ name: "sock", unixMode: 0o140755 }]);
    await expect(readAllBytes(normalizeArchive(readZip(socket)).readable)).rejects.toThrow(
      /unsupported type \(tar type "zip mode 140755"\)/,
    );
  });

  it("decodes names: UTF-8 flag, Info-ZIP unicode path, code page 437, DOS separators", async () => {
    const cp437 = new Uint8Array([0x63, 0x61, 0x66, 0x82]); // "café" in CP437
    const unicodeName = encode("ünïcode.txt");
    const unicodeExtra = new Bytes()
      .u16(0x7075)
      .u16(5 + unicodeName.byteLength)
      .u8(1)
      .u32(crc32(encode("fallback.txt")))
      .bytes(unicodeName);
    const staleExtra = new Bytes()
      .u16(0x7075)
      .u16(5 + unicodeName.byteLength)
      .u8(1)
      .u32(12345)
      .bytes(unicodeName);
    const zip = await buildZip([
      { name: "名前.txt" },
      { name: cp437, flags: 0 },
      { name: encode("ünflagged UTF-8"), flags: 0 },
      { name: "fallback.txt", flags: 0, extra: unicodeExtra.done() },
      { name: "stale.txt", flags: 0, extra: staleExtra.done() },
      { name: "win\\dir\\file.txt", host: HOST_DOS, externalAttributes: 0x20 },
      { name: "win\\folder", host: HOST_DOS, externalAttributes: 0x10 },
      { name: "unix\\literal", host: HOST_UNIX },
    ]);
    expect((await readAll(zip)).map((entry) => [entry.path, entry.header.type])).toEqual([
      ["名前.txt", "file"],
      ["café", "file"],
      ["ünflagged UTF-8", "file"],
      ["ünïcode.txt", "file"],
      ["stale.txt", "file"],
      ["win/dir/file.txt", "file"],
      ["win/folder", "directory"],
      ["unix\\literal", "file"],
    ]);
  });

  it("takes mtimes from the extended timestamp field, else from DOS time as UTC", async () => {
    const timestamp = new Bytes().u16(0x5455).u16(5).u8(1).u32(1_700_000_000).done();
    const zip = await buildZip([
      { name: "stamped", extra: timestamp },
      // 2024-03-15 13:45:30 in DOS format.
      { name: "dos", dosDate: ((2024 - 1980) << 9) | (3 << 5) | 15, dosTime: (13 << 11) | (45 << 5) | 15 },
    ]);
    const [stamped, dos] = await readAll(zip);
    expect(stamped?.header.mtime).toBe(1_700_000_000);
    expect(dos?.header.mtime).toBe(Date.UTC(2024, 2, 15, 13, 45, 30) / 1000);
  });

  it("reads zip64 archives and members", async () => {
    const zip = await buildZip([{ name: "z64.txt", data: encode("sixty-four"), zip64: true }, { name: "plain" }], {
      zip64: true,
    });
    expect((await readAll(zip)).map((entry) => [entry.path, entry.data])).toEqual([
      ["z64.txt", "sixty-four"],
      ["plain", ""],
    ]);
  });

  it("refuses encrypted members and unsupported methods before reading anything", async () => {
    const encrypted = await buildZip([
      { name: "ok", data: encode("1") },
      { name: "secret", flags: 0x0801 },
    ]);
    await expect(readAll(encrypted)).rejects.toThrow(
      `zip member "secret" is encrypted; encrypted zip archives are not supported`,
    );
    const bzip2 = await buildZip([{ name: "b", method: 12, rawData: encode("BZh") }]);
    await expect(readAll(bzip2)).rejects.toThrow(/compression method 12; only stored and deflate/);
  });

  it("refuses members that inflate past, or short of, their declared size", async () => {
    const bomb = await buildZip([{ name: "bomb", data: new Uint8Array(100_000), declaredSize: 10 }]);
    await expect(readAll(bomb)).rejects.toThrow(/inflates to more than its declared 10 bytes/);
    const short = await buildZip([{ name: "short", data: encode("abc"), declaredSize: 10 }]);
    await expect(readAll(short)).rejects.toThrow(/inflates to 3 bytes, not its declared 10/);
    const stored = await buildZip([{ name: "stored", data: encode("abc"), method: 0, declaredSize: 10 }]);
    await expect(readAll(stored)).rejects.toThrow(/stored sizes disagree/);
    const garbage = await buildZip([{ name: "garbage", rawData: new Uint8Array([0xff, 0xff, 0xff]), declaredSize: 3 }]);
    await expect(readAll(garbage)).rejects.toThrow(/"garbage" is corrupted/);
  });

  it("does not inflate bodies nobody reads", async () => {
    const zip = await buildZip([
      { name: "skipped", data: new Uint8Array(1000) },
      { name: "read", data: encode("r") },
    ]);
    const seen: string[] = [];
    for await (const entry of readZip(zip)) {
      if (entry.path === "skipped") await entry.body.cancel();
      else seen.push(decode(await readAllBytes(entry.body)));
    }
    expect(seen).toEqual(["r"]);
  });

  it("refuses things that are not zips, or broken ones, with clear errors", async () => {
    await expect(readAll(encode("definitely not a zip archive"))).rejects.toThrow(/not a zip archive/);
    await expect(readAll(new Uint8Array(3))).rejects.toThrow(/not a zip archive/);

    const good = await buildZip([{ name: "f", data: encode("data") }]);
    const end = good.byteLength - 22;
    const patched = (offset: number, bytes: number[]) => {
      const copy = good.slice();
      copy.set(bytes, offset);
      return copy;
    };
    await expect(readAll(patched(end + 4, [1, 0]))).rejects.toThrow(/multi-volume/);
    await expect(readAll(patched(end + 10, [0xff, 0xff]))).rejects.toThrow(/zip64 archive without/);
    await expect(readAll(patched(end + 12, [0xff, 0xff, 0, 0]))).rejects.toThrow(/central directory extends past/);
    const directory = good.byteLength - 22 - (46 + 1);
    await expect(readAll(patched(directory, [0, 0, 0, 0]))).rejects.toThrow(/corrupted zip central directory/);
    await expect(readAll(patched(directory + 28, [40, 0]))).rejects.toThrow(/corrupted zip central directory/);
    await expect(readAll(patched(0, [0, 0, 0, 0]))).rejects.toThrow(/no local header/);
    await expect(readAll(patched(directory + 20, [0xff, 0xff, 0, 0]))).rejects.toThrow(/extends past the end/);

    const saturated = patched(directory + 20, [0xff, 0xff, 0xff, 0xff]);
    await expect(readAll(saturated)).rejects.toThrow(/lacks its zip64 sizes/);
    const shortZip64 = await buildZip([{ name: "s", data: encode("x"), zip64: true }]);
    const shortened = shortZip64.slice();
    const extraAt = shortened.byteLength - 22 - 24;
    shortened.set([8, 0], extraAt - 2);
    await expect(readAll(shortened)).rejects.toThrow(/short zip64 field|corrupted/);

    const zip64 = await buildZip([{ name: "f" }], { zip64: true });
    const brokenLocator = zip64.slice();
    brokenLocator.set([0, 0, 0, 0], zip64.byteLength - 22 - 20 + 8);
    await expect(readAll(brokenLocator)).rejects.toThrow(/corrupted zip64 end of central directory/);
  });
});
