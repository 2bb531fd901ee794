import { describe, expect, it } from "vitest";
import { gunzipStream, gzipStream } from "./compression.ts";
import { readAllBytes } from "./entry-body.ts";
import { BLOCK_SIZE, encodeTarHeader, paddingFor } from "./tar-header.ts";
import { readTar, type TarEntry } from "./tar-reader.ts";
import { TarWriter } from "./tar-writer.ts";

const encode = (value: string) => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Streams `bytes` in pieces of `size` bytes, to exercise every chunk boundary. */
function chunked(bytes: Uint8Array, size = bytes.byteLength): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
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

/** A member as raw bytes: header(s), data and padding. */
function member(name: string, data: Uint8Array, type: "file" | "directory" | "symlink" = "file"): Uint8Array {
  const header = encodeTarHeader({ name, type, size: data.byteLength, mode: 0o644, mtime: 0 });
  return concat(header, data, new Uint8Array(paddingFor(data.byteLength)));
}

/** A checksummed block with a free-form type flag (GNU `L`, pax `x`, devices...). */
function rawHeader(name: string, typeflag: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK_SIZE);
  block.set(encode(name.slice(0, 100)), 0);
  block.set(encode("0000644\0"), 100);
  block.set(encode(`${size.toString(8).padStart(11, "0")}\0`), 124);
  block.set(encode("00000000000\0"), 136);
  block.set(encode(typeflag), 156);
  block.set(encode("ustar  \0"), 257);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.set(encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return block;
}

function withData(header: Uint8Array, data: Uint8Array): Uint8Array {
  return concat(header, data, new Uint8Array(paddingFor(data.byteLength)));
}

const END = new Uint8Array(2 * BLOCK_SIZE);

type Seen = Omit<TarEntry, "body"> & { data: string };

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const entry of readTar(stream)) {
    const { body, ...rest } = entry;
    out.push({ ...rest, data: decode(await readAllBytes(body)) });
  }
  return out;
}

const TRICKY_NAMES = [
  `it's "quoted"`,
  "with spaces in it",
  "ünïcødé/名前.txt",
  "-rf",
  "new\nline",
  "carriage\rreturn",
  `${"long/".repeat(40)}end.txt`,
  "x".repeat(255),
];

describe("readTar", () => {
  it("round-trips what the writer wrote, at every chunk size, with the writer's offsets", async () => {
    const writer = new TarWriter();
    const tarPromise = readAllBytes(writer.readable);
    await writer.addDirectory("dir", { mtime: 1 });
    for (const [i, name] of TRICKY_NAMES.entries()) {
      await writer.addFile(name, encode(`content ${i}`.repeat(i * 60)), {
        size: `content ${i}`.length * i * 60,
        mtime: i,
      });
    }
    await writer.addSymlink("dir/link", "../-rf", { mtime: 2 });
    const index = await writer.finish();
    const tar = await tarPromise;

    for (const size of [1, 7, 511, 512, 1000, tar.byteLength]) {
      const entries = await readAll(chunked(tar, size));
      expect(entries.map((entry) => entry.path)).toEqual(index.entries.map((entry) => entry.path));
      for (const [i, entry] of entries.entries()) {
        expect(entry.headerOffset).toBe(index.entries[i]?.header_offset);
        expect(entry.offset).toBe(index.entries[i]?.offset);
      }
      expect(entries.find((entry) => entry.path === "-rf")?.data).toBe("content 3".repeat(180));
      expect(entries.find((entry) => entry.path === "new\nline")?.header.type).toBe("file");
      expect(entries.at(-1)?.header).toMatchObject({ type: "symlink", linkTarget: "../-rf", mtime: 2 });
    }
  });

  it("re-encodes an archive to identical bytes and index (write, read, write)", async () => {
    const writer = new TarWriter();
    const first = readAllBytes(writer.readable);
    await writer.addDirectory("a b", { mtime: 10, mode: 0o700 });
    await writer.addFile('a b/"q"', encode("data"), { size: 4, mtime: 11 });
    await writer.addFile("a b/empty", new Uint8Array(0), { size: 0, mtime: 12 });
    await writer.addSymlink("lnk", "a b/empty", { mtime: 13 });
    await writer.addHardlink("hl", 'a b/"q"');
    const firstIndex = await writer.finish();
    const tar = await first;

    const again = new TarWriter();
    const second = readAllBytes(again.readable);
    for await (const entry of readTar(chunked(tar, 100))) {
      const { header, path } = entry;
      const options = { mtime: header.mtime, mode: header.mode };
      if (header.type === "directory") await again.addDirectory(path, options);
      else if (header.type === "symlink") await again.addSymlink(path, header.linkTarget, options);
      else if (header.type === "hardlink") await again.addHardlink(path, header.linkTarget);
      else await again.addFile(path, entry.body, { ...options, size: header.size });
    }
    expect(await again.finish()).toEqual(firstIndex);
    expect(await second).toEqual(tar);
  });

  it("reads a tar.gz through CompressionStream and DecompressionStream", async () => {
    const writer = new TarWriter();
    const gz = readAllBytes(gzipStream(writer.readable));
    const payload = encode("compressible ".repeat(10_000));
    await writer.addFile("big.txt", payload, { size: payload.byteLength, mtime: 0 });
    await writer.finish();
    const compressed = await gz;
    expect(compressed.byteLength).toBeLessThan(payload.byteLength / 10);
    const entries = await readAll(gunzipStream(chunked(compressed, 999)));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.data).toBe(decode(payload));
  });

  it("skips bodies the consumer ignores or cancels", async () => {
    const tar = concat(
      member("a", encode("x".repeat(1000))),
      member("b", encode("y".repeat(10))),
      member("c", encode("z")),
      END,
    );
    const seen: string[] = [];
    for await (const entry of readTar(chunked(tar, 300))) {
      seen.push(entry.path);
      if (entry.path === "b") await entry.body.cancel();
      if (entry.path === "c") expect(decode(await readAllBytes(entry.body))).toBe("z");
    }
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("errors a body that is read after the reader moved on", async () => {
    const tar = concat(member("a", encode("late")), member("b", new Uint8Array(0)), END);
    const bodies: ReadableStream<Uint8Array>[] = [];
    for await (const entry of readTar(chunked(tar))) bodies.push(entry.body);
    await expect(readAllBytes(bodies[0] ?? new ReadableStream())).rejects.toThrow(/after the reader moved on/);
    expect(await readAllBytes(bodies[1] ?? new ReadableStream())).toEqual(new Uint8Array(0));
  });

  it("reads GNU long names and long link names", async () => {
    const longName = `${"deep/".repeat(30)}file`;
    const longTarget = `${"../".repeat(5)}${"t".repeat(150)}`;
    const nameData = encode(`${longName}\0`);
    const linkData = encode(`${longTarget}\0`);
    const tar = concat(
      withData(rawHeader("././@LongLink", "L", nameData.byteLength), nameData),
      withData(rawHeader("././@LongLink", "K", linkData.byteLength), linkData),
      rawHeader("truncated", "2", 0),
      END,
    );
    const [entry] = await readAll(chunked(tar, 64));
    expect(entry?.path).toBe(longName);
    expect(entry?.header).toMatchObject({ type: "symlink", linkTarget: longTarget });
    expect(entry?.headerOffset).toBe(0);
    expect(entry?.offset).toBe(5 * BLOCK_SIZE);
  });

  it("ignores pax global headers and accepts a single end block followed by anything", async () => {
    const global = encode("30 comment=some commit id...\n");
    const tar = concat(
      withData(rawHeader("pax_global_header", "g", global.byteLength), global),
      member("f", encode("1")),
      new Uint8Array(BLOCK_SIZE),
      encode("trailing garbage after the end marker"),
    );
    const entries = await readAll(chunked(tar));
    expect(entries.map((entry) => [entry.path, entry.data])).toEqual([["f", "1"]]);
    const onlyGlobal = concat(withData(rawHeader("pax_global_header", "g", global.byteLength), global), END);
    expect(await readAll(chunked(onlyGlobal))).toEqual([]);
  });

  it("refuses members with unsafe paths, naming them", async () => {
    for (const name of ["../evil", "/tmp/evil", "a/../../evil"]) {
      const tar = concat(member(name, encode("bad")), END);
      await expect(readAll(chunked(tar)), name).rejects.toThrow(`archive member ${JSON.stringify(name)}`);
    }
  });

  it("refuses empty, truncated and unterminated archives", async () => {
    const file = member("f", encode("0123456789"));
    await expect(readAll(chunked(new Uint8Array(0)))).rejects.toThrow(/archive is empty/);
    await expect(readAll(chunked(file))).rejects.toThrow(/without an end-of-archive marker at byte 1024/);
    await expect(readAll(chunked(file.subarray(0, 300)))).rejects.toThrow(/truncated/);
    await expect(readAll(chunked(file.subarray(0, 515)))).rejects.toThrow(/truncated/);
    await expect(readAll(chunked(file.subarray(0, 600)))).rejects.toThrow(/truncated/);
    const pax = encodeTarHeader({ name: "ü", type: "file", size: 0, mode: 0, mtime: 0 });
    await expect(readAll(chunked(pax.subarray(0, 600)))).rejects.toThrow(/truncated/);
    await expect(readAll(chunked(pax.subarray(0, 1024)))).rejects.toThrow(/truncated/);
    await expect(readAll(chunked(concat(pax.subarray(0, 1024), END)))).rejects.toThrow(
      /extension header without a member/,
    );
  });

  it("refuses oversized extension headers before reading them", async () => {
    const tar = concat(rawHeader("x", "x", 2 * 1024 * 1024), END);
    await expect(readAll(chunked(tar))).rejects.toThrow(/extension header larger than/);
  });

  it("reports huge declared sizes without allocating them", async () => {
    const size = 20 * 1024 ** 3;
    const tar = concat(encodeTarHeader({ name: "huge", type: "file", size, mode: 0o644, mtime: 0 }), END);
    const sizes: number[] = [];
    await expect(
      (async () => {
        for await (const entry of readTar(chunked(tar))) sizes.push(entry.header.size);
      })(),
    ).rejects.toThrow(/truncated/);
    expect(sizes).toEqual([size]);
  });

  it("fails a body whose data is cut short", async () => {
    const tar = member("f", encode("x".repeat(2000))).subarray(0, 1000);
    await expect(readAll(chunked(tar, 100))).rejects.toThrow(/truncated/);
  });

  it("recognises device files and FIFOs so they can be refused", async () => {
    const tar = concat(rawHeader("dev", "3", 0), rawHeader("blk", "4", 0), rawHeader("pipe", "6", 0), END);
    const types = (await readAll(chunked(tar))).map((entry) => entry.header.type);
    expect(types).toEqual(["character-device", "block-device", "fifo"]);
  });

  it("cancels the source when the consumer stops early", async () => {
    let cancelled = false;
    const tar = concat(member("a", encode("1")), member("b", encode("2")), END);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(tar);
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const entry of readTar(source)) {
      if (entry.path === "a") break;
    }
    expect(cancelled).toBe(true);
  });
});
