import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import { type BundleIndex, parseBundleIndex, verifyEntryAgainstHeader } from "./bundle-index.ts";
import { readAllBytes } from "./entry-body.ts";
import { BLOCK_SIZE } from "./tar-header.ts";
import { TarWriter } from "./tar-writer.ts";

const encode = (value: string) => new TextEncoder().encode(value);

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** Writes a small bundle and returns the tar bytes with the index. */
async function writeSample(): Promise<{ tar: Uint8Array; index: BundleIndex }> {
  const writer = new TarWriter();
  const tar = readAllBytes(writer.readable);
  await writer.addDirectory("dir", { mtime: 100 });
  await writer.addFile("dir/a.txt", encode("hello"), { size: 5, mtime: 101 });
  await writer.addFile("dir/empty", new Uint8Array(0), { size: 0, mtime: 102, mode: 0o600 });
  await writer.addFile("streamed", streamOf(encode("ab"), encode("cde")), { size: 5, mtime: 103, mode: 0o755 });
  await writer.addSymlink("dir/link", "a.txt", { mtime: 104 });
  await writer.addHardlink("hard", "dir/a.txt");
  const index = await writer.finish();
  return { tar: await tar, index };
}

describe("TarWriter", () => {
  it("builds an index whose entries point at each member's header and data", async () => {
    const { tar, index } = await writeSample();
    expect(tar.byteLength % BLOCK_SIZE).toBe(0);
    expect(index.tar_size).toBe(tar.byteLength);
    expect(tar.subarray(-2 * BLOCK_SIZE).every((byte) => byte === 0)).toBe(true);
    expect(parseBundleIndex(JSON.parse(JSON.stringify(index)))).toEqual(index);
    expect(index.entries.map((entry) => [entry.path, entry.type, entry.size, entry.mode])).toEqual([
      ["dir", "directory", 0, 0o755],
      ["dir/a.txt", "file", 5, 0o644],
      ["dir/empty", "file", 0, 0o600],
      ["streamed", "file", 5, 0o755],
      ["dir/link", "link", 0, 0o777],
      ["hard", "file", 5, 0o644],
    ]);
    const text = new TextDecoder();
    for (const entry of index.entries) {
      verifyEntryAgainstHeader(entry, tar.subarray(entry.header_offset, entry.offset));
    }
    const data = (path: string) => {
      const entry = index.entries.find((candidate) => candidate.path === path);
      return entry ? text.decode(tar.subarray(entry.offset, entry.offset + entry.size)) : undefined;
    };
    expect(data("dir/a.txt")).toBe("hello");
    expect(data("streamed")).toBe("abcde");
    expect(data("hard")).toBe("hello");
    expect(index.entries.find((entry) => entry.path === "hard")?.hardlink_of).toBe("dir/a.txt");
    expect(index.entries.find((entry) => entry.path === "dir/link")?.link).toBe("a.txt");
  });

  it("produces identical bytes for identical input", async () => {
    const first = await writeSample();
    const second = await writeSample();
    expect(second.tar).toEqual(first.tar);
    expect(second.index).toEqual(first.index);
  });

  it("writes an empty bundle as just the end-of-archive blocks", async () => {
    const writer = new TarWriter();
    const tar = readAllBytes(writer.readable);
    expect(await writer.finish()).toEqual({ version: 1, tar_size: 1024, entries: [] });
    expect(await tar).toEqual(new Uint8Array(1024));
  });

  it("passes streamed and large bodies through without copying them", async () => {
    const big = new Uint8Array(200_000).fill(7);
    const piece = new Uint8Array(20_000).fill(1);
    const writer = new TarWriter();
    const reader = writer.readable.getReader();
    const chunks: Uint8Array[] = [];
    const drained = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        chunks.push(value);
      }
    })();
    await writer.addFile("big", big, { size: big.byteLength, mtime: 0 });
    await writer.addFile("piece", streamOf(piece), { size: piece.byteLength, mtime: 0 });
    await writer.finish();
    await drained;
    expect(chunks.some((chunk) => chunk === big)).toBe(true);
    expect(chunks.some((chunk) => chunk === piece)).toBe(true);
  });

  it("opens lazy bodies only when the file is written", async () => {
    const writer = new TarWriter();
    const tar = readAllBytes(writer.readable);
    let opened = 0;
    await writer.addFile(
      "lazy",
      async () => {
        opened++;
        return streamOf(encode("later"));
      },
      { size: 5, mtime: 0 },
    );
    const index = await writer.finish();
    expect(opened).toBe(1);
    const entry = index.entries[0];
    expect(entry && new TextDecoder().decode((await tar).subarray(entry.offset, entry.offset + 5))).toBe("later");
  });

  it("waits for the consumer once highWaterMark bytes are buffered", async () => {
    const writer = new TarWriter({ highWaterMark: 1024 });
    let resolved = false;
    const adding = writer.addFile("f", new Uint8Array(100_000), { size: 100_000, mtime: 0 }).then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resolved).toBe(false);
    const all = readAllBytes(writer.readable);
    await adding;
    await writer.finish();
    expect((await all).byteLength).toBe(BLOCK_SIZE + 100_352 + 1024);
  });

  it("fails the stream when a body is longer or shorter than declared", async () => {
    for (const [declared, body] of [
      [3, streamOf(encode("ab"), encode("cd"))],
      [5, streamOf(encode("ab"))],
      [2, encode("abc")],
    ] as const) {
      const writer = new TarWriter();
      const tar = readAllBytes(writer.readable);
      await expect(writer.addFile("f", body, { size: declared, mtime: 0 })).rejects.toThrow(
        /change while being packed/,
      );
      await expect(tar).rejects.toThrow(/change while being packed/);
      await expect(writer.finish()).rejects.toThrow(/change while being packed/);
    }
  });

  it("fails the stream when a body stream errors", async () => {
    const writer = new TarWriter();
    const tar = readAllBytes(writer.readable);
    const broken = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error("disk on fire");
      },
    });
    await expect(writer.addFile("f", broken, { size: 10, mtime: 0 })).rejects.toThrow(/disk on fire/);
    await expect(tar).rejects.toThrow(/disk on fire/);
  });

  it("refuses unsafe, root and duplicate paths, and bad link targets", async () => {
    const writer = new TarWriter();
    void readAllBytes(writer.readable).catch(() => undefined);
    await expect(writer.addDirectory("../up", { mtime: 0 })).rejects.toThrow(/'\.\.' is not allowed/);
    const fresh = () => {
      const next = new TarWriter();
      void readAllBytes(next.readable).catch(() => undefined);
      return next;
    };
    await expect(fresh().addDirectory("./", { mtime: 0 })).rejects.toThrow(/bundle root/);
    const duplicate = fresh();
    await duplicate.addDirectory("a", { mtime: 0 });
    await expect(duplicate.addFile("a/", new Uint8Array(0), { size: 0, mtime: 0 })).rejects.toThrow(/duplicate/);
    await expect(fresh().addSymlink("l", "", { mtime: 0 })).rejects.toThrow(/invalid target/);
    const hard = fresh();
    await hard.addDirectory("d", { mtime: 0 });
    await expect(hard.addHardlink("h", "d")).rejects.toThrow(/must point to a file earlier/);
    await expect(fresh().addHardlink("h", "missing")).rejects.toThrow(/must point to a file earlier/);
  });

  it("resolves chains of hardlinks to the file that holds the data", async () => {
    const writer = new TarWriter();
    const tar = readAllBytes(writer.readable);
    await writer.addFile("f", encode("x"), { size: 1, mtime: 5, mode: 0o640 });
    await writer.addHardlink("h1", "f");
    await writer.addHardlink("h2", "h1");
    const index = await writer.finish();
    await tar;
    expect(index.entries[2]).toMatchObject({ path: "h2", hardlink_of: "f", mode: 0o640, mtime: 5, size: 1 });
  });

  it("refuses overlapping calls and calls after finishing", async () => {
    const writer = new TarWriter({ highWaterMark: 1 });
    const first = writer.addFile("a", new Uint8Array(10), { size: 10, mtime: 0 });
    await expect(writer.addDirectory("b", { mtime: 0 })).rejects.toThrow(/must not overlap/);
    const tar = readAllBytes(writer.readable);
    await first;
    await writer.finish();
    expect((await tar).byteLength).toBe(2 * BLOCK_SIZE + 1024);

    const done = new TarWriter();
    void readAllBytes(done.readable);
    await done.finish();
    await expect(done.addDirectory("late", { mtime: 0 })).rejects.toThrow(/already finished/);
    done.abort(new Error("ignored after finishing"));
  });

  it("stops with UNAVAILABLE when the consumer cancels", async () => {
    const writer = new TarWriter({ highWaterMark: 1 });
    const adding = writer.addFile("f", new Uint8Array(100_000), { size: 100_000, mtime: 0 });
    await writer.readable.cancel("client went away");
    await expect(adding).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(writer.finish()).rejects.toBeInstanceOf(CodalabError);
  });

  it("can be aborted by its producer", async () => {
    const writer = new TarWriter();
    const tar = readAllBytes(writer.readable);
    await writer.addDirectory("d", { mtime: 0 });
    writer.abort(new Error("source vanished"));
    writer.abort(new Error("second abort is ignored"));
    await expect(tar).rejects.toThrow(/source vanished/);
    await expect(writer.addDirectory("e", { mtime: 0 })).rejects.toThrow(/source vanished/);
    expect(writer.position).toBe(BLOCK_SIZE);
  });
});
