import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import {
  applyExtension,
  BLOCK_SIZE,
  decodeHeaderSequence,
  decodePaxRecords,
  decodeTarBlock,
  encodeTarHeader,
  finishHeader,
  type HeaderExtensions,
  MAX_EXTENSION_BYTES,
  paddingFor,
  type TarHeaderInit,
} from "./tar-header.ts";

const text = new TextDecoder();
const encode = (value: string) => new TextEncoder().encode(value);

function roundTrip(init: TarHeaderInit) {
  const bytes = encodeTarHeader(init);
  const { header, length } = decodeHeaderSequence(bytes);
  expect(length).toBe(bytes.byteLength);
  return { header, bytes };
}

/** A checksummed block with arbitrary fields, to build archives our encoder would refuse to write. */
function rawBlock(fields: { name?: string; typeflag?: string; size?: number; magic?: string; prefix?: string }) {
  const block = new Uint8Array(BLOCK_SIZE);
  block.set(encode(fields.name ?? "x"), 0);
  block.set(encode("0000644\0"), 100);
  block.set(encode((fields.size ?? 0).toString(8).padStart(11, "0")), 124);
  block.set(encode("00000000000\0"), 136);
  block.set(encode(fields.typeflag ?? "0"), 156);
  block.set(encode(fields.magic ?? "ustar\u000000"), 257);
  if (fields.prefix) block.set(encode(fields.prefix), 345);
  fixChecksum(block);
  return block;
}

function fixChecksum(block: Uint8Array) {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.set(encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
}

describe("encodeTarHeader", () => {
  it("writes a single ustar block for short ASCII names, with a valid checksum", () => {
    const bytes = encodeTarHeader({ name: "data/file.txt", type: "file", size: 5, mode: 0o644, mtime: 1_700_000_000 });
    expect(bytes.byteLength).toBe(BLOCK_SIZE);
    expect(text.decode(bytes.subarray(257, 263))).toBe("ustar\0");
    expect(decodeTarBlock(bytes)).toEqual({
      name: "data/file.txt",
      mode: 0o644,
      size: 5,
      mtime: 1_700_000_000,
      typeflag: "0",
      linkname: "",
    });
  });

  it("is deterministic: the same input gives the same bytes", () => {
    const init: TarHeaderInit = { name: "é/ü", type: "file", size: 1, mode: 0o600, mtime: 1 };
    expect(encodeTarHeader(init)).toEqual(encodeTarHeader(init));
  });

  it("uses the ustar prefix for long ASCII names that can be split at a slash", () => {
    const name = `${"d".repeat(120)}/${"f".repeat(90)}`;
    const { header, bytes } = roundTrip({ name, type: "file", size: 0, mode: 0o644, mtime: 0 });
    expect(bytes.byteLength).toBe(BLOCK_SIZE);
    expect(header.name).toBe(name);
  });

  it("moves long, unsplittable, non-ASCII and newline names to a pax header", () => {
    for (const name of [
      "x".repeat(101),
      `${"d".repeat(200)}/${"f".repeat(120)}`,
      "ünïcødé 名前.txt",
      "line\nbreak",
      "tab\there",
    ]) {
      const { header, bytes } = roundTrip({ name, type: "file", size: 3, mode: 0o644, mtime: 5 });
      expect(bytes.byteLength).toBeGreaterThan(BLOCK_SIZE);
      expect(bytes[156]).toBe("x".charCodeAt(0));
      expect(header.name).toBe(name);
    }
  });

  it("keeps quotes, spaces and leading dashes in plain ustar", () => {
    const name = `-rf it's "quoted"`;
    const { header, bytes } = roundTrip({ name, type: "file", size: 0, mode: 0o644, mtime: 0 });
    expect(bytes.byteLength).toBe(BLOCK_SIZE);
    expect(header.name).toBe(name);
  });

  it("writes sizes of 8 GiB and more to pax (and base-256) without allocating them", () => {
    const size = 10 * 1024 ** 3;
    const { header, bytes } = roundTrip({ name: "big.bin", type: "file", size, mode: 0o644, mtime: 0 });
    expect(bytes.byteLength).toBe(3 * BLOCK_SIZE);
    expect(header.size).toBe(size);
    const ustar = decodeTarBlock(bytes.subarray(2 * BLOCK_SIZE));
    expect(ustar?.size).toBe(size);
  });

  it("stores long and non-ASCII link targets in pax linkpath", () => {
    const target = `${"../".repeat(10)}${"t".repeat(100)}/ziel-ß`;
    const { header } = roundTrip({ name: "l", type: "symlink", mode: 0o777, mtime: 0, linkTarget: target });
    expect(header).toMatchObject({ type: "symlink", linkTarget: target, size: 0 });
  });

  it("stores mtimes outside the octal range in pax", () => {
    expect(roundTrip({ name: "old", type: "file", mode: 0o644, mtime: -86_400 }).header.mtime).toBe(-86_400);
    expect(roundTrip({ name: "far", type: "file", mode: 0o644, mtime: 2 ** 40 }).header.mtime).toBe(2 ** 40);
    expect(roundTrip({ name: "frac", type: "file", mode: 0o644, mtime: 10.9 }).header.mtime).toBe(10);
  });

  it("encodes directories, symlinks and hardlinks with their type flags", () => {
    expect(roundTrip({ name: "d/", type: "directory", mode: 0o755, mtime: 0 }).header.type).toBe("directory");
    expect(roundTrip({ name: "h", type: "hardlink", mode: 0o644, mtime: 0, linkTarget: "f" }).header).toMatchObject({
      type: "hardlink",
      linkTarget: "f",
    });
  });

  it("refuses names and targets it cannot represent safely", () => {
    expect(() => encodeTarHeader({ name: "", type: "file", mode: 0, mtime: 0 })).toThrow(CodalabError);
    expect(() => encodeTarHeader({ name: "a\0b", type: "file", mode: 0, mtime: 0 })).toThrow(/invalid member name/);
    expect(() => encodeTarHeader({ name: "l", type: "symlink", mode: 0, mtime: 0, linkTarget: "a\0" })).toThrow(
      /invalid link target/,
    );
    expect(() => encodeTarHeader({ name: "f", type: "file", size: -1, mode: 0, mtime: 0 })).toThrow(/invalid size/);
    expect(() => encodeTarHeader({ name: "f", type: "file", size: 1.5, mode: 0, mtime: 0 })).toThrow(/invalid size/);
    expect(() => encodeTarHeader({ name: "f", type: "file", mode: 0, mtime: Number.NaN })).toThrow(/invalid mtime/);
  });
});

describe("decodeTarBlock", () => {
  it("returns null for the all-zero end-of-archive block", () => {
    expect(decodeTarBlock(new Uint8Array(BLOCK_SIZE))).toBeNull();
  });

  it("refuses a block with a bad checksum, or the wrong length", () => {
    const block = encodeTarHeader({ name: "f", type: "file", mode: 0o644, mtime: 0 });
    block[0] = "g".charCodeAt(0);
    expect(() => decodeTarBlock(block, 1024)).toThrow(/bad header checksum at byte 1024/);
    expect(() => decodeTarBlock(new Uint8Array(100))).toThrow(/truncated/);
  });

  it("refuses garbage in numeric fields", () => {
    const block = rawBlock({});
    block.set(encode("00009"), 124);
    fixChecksum(block);
    expect(() => decodeTarBlock(block)).toThrow(/invalid number/);
  });

  it("reads numbers with leading spaces and base-256, including negative mtimes", () => {
    const block = rawBlock({});
    block.set(encode("    12 \0"), 100);
    block.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], 136);
    fixChecksum(block);
    expect(decodeTarBlock(block)).toMatchObject({ mode: 0o12, mtime: -2 });
  });

  it("refuses base-256 numbers beyond exact integers", () => {
    const block = rawBlock({});
    block.set([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 124);
    fixChecksum(block);
    expect(() => decodeTarBlock(block)).toThrow(/too large/);
    block.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 136);
    block.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 124);
    fixChecksum(block);
    expect(() => decodeTarBlock(block)).toThrow(/too large/);
  });

  it("accepts the historical signed checksum", () => {
    const block = rawBlock({ name: "\u00e9" });
    block.fill(0x20, 148, 156);
    let signed = 0;
    for (const byte of block) signed += byte > 127 ? byte - 256 : byte;
    block.set(encode(`${signed.toString(8).padStart(6, "0")}\0 `), 148);
    expect(decodeTarBlock(block)?.name).toBe("é");
  });

  it("uses the prefix only in POSIX ustar headers, not in GNU or v7 ones", () => {
    expect(decodeTarBlock(rawBlock({ name: "f", prefix: "dir" }))?.name).toBe("dir/f");
    expect(decodeTarBlock(rawBlock({ name: "f", prefix: "dir", magic: "ustar  \0" }))?.name).toBe("f");
    expect(decodeTarBlock(rawBlock({ name: "f", prefix: "dir", magic: "\0\0\0\0\0\0\0\0" }))?.name).toBe("f");
  });
});

describe("extension headers", () => {
  it("parses pax records, skipping NUL padding, and lets empty values clear overrides", () => {
    const records = decodePaxRecords(encode("12 path=abc\n13 size=1234\n\0\0"));
    expect([...records]).toEqual([
      ["path", "abc"],
      ["size", "1234"],
    ]);
    const pending: HeaderExtensions = { path: "x", linkpath: "y", size: 1, mtime: 1 };
    applyExtension(pending, "x", encode("8 path=\n13 linkpath=\n8 size=\n10 mtime=\n"));
    expect(pending).toEqual({ path: undefined, linkpath: undefined, size: undefined, mtime: undefined });
  });

  it("refuses malformed pax records and values", () => {
    for (const bad of ["12 path=abc", "x path=abc\n", "3 a\n", "99 path=abc\n", "6 =ab\n", "12345678901234 k=v\n"]) {
      expect(() => decodePaxRecords(encode(bad)), bad).toThrow(/malformed pax header/);
    }
    expect(() => applyExtension({}, "x", encode("13 size=-123\n"))).toThrow(/invalid pax size/);
    expect(() => applyExtension({}, "x", encode("13 size=1e10\n"))).toThrow(/invalid pax size/);
    expect(() => applyExtension({}, "x", encode("13 mtime=abc\n"))).toThrow(/invalid pax mtime/);
    expect(() => applyExtension({}, "x", encode(`30 mtime=${"9".repeat(20)}\n`))).toThrow(/invalid pax mtime/);
  });

  it("applies GNU long names and long link names, and ignores global headers", () => {
    const pending: HeaderExtensions = {};
    applyExtension(pending, "L", encode("a/very/long/name\0"));
    applyExtension(pending, "K", encode("target-without-nul"));
    applyExtension(pending, "g", encode("30 comment=ignored by readers\n"));
    const header = finishHeader(
      { name: "trunc", mode: 0o777, size: 0, mtime: 0, typeflag: "2", linkname: "trunc" },
      pending,
    );
    expect(header).toMatchObject({ name: "a/very/long/name", linkTarget: "target-without-nul", type: "symlink" });
  });

  it("classifies every type flag, keeping unknown ones so they can be named", () => {
    const base = { name: "n", mode: 0, size: 7, mtime: 0, linkname: "t" };
    const typeOf = (typeflag: string, name = "n") => finishHeader({ ...base, typeflag, name }, {});
    expect(typeOf("0").type).toBe("file");
    expect(typeOf("\0").type).toBe("file");
    expect(typeOf("7").type).toBe("file");
    expect(typeOf("1")).toMatchObject({ type: "hardlink", linkTarget: "t", size: 0 });
    expect(typeOf("3").type).toBe("character-device");
    expect(typeOf("4").type).toBe("block-device");
    expect(typeOf("5")).toMatchObject({ type: "directory", size: 0 });
    expect(typeOf("6").type).toBe("fifo");
    expect(typeOf("S")).toMatchObject({ type: "other", typeflag: "S", size: 7 });
    expect(typeOf("0", "old-style-dir/").type).toBe("directory");
    expect(typeOf("0").linkTarget).toBe("");
  });

  it("decodes a whole header sequence and refuses broken ones", () => {
    const pax = encodeTarHeader({ name: "ü".repeat(80), type: "file", size: 1, mode: 0o644, mtime: 0 });
    expect(decodeHeaderSequence(pax, 0).header.name).toBe("ü".repeat(80));
    expect(() => decodeHeaderSequence(pax.subarray(0, BLOCK_SIZE))).toThrow(/truncated/);
    expect(() => decodeHeaderSequence(pax.subarray(0, 2 * BLOCK_SIZE))).toThrow(/truncated/);
    expect(() => decodeHeaderSequence(new Uint8Array(BLOCK_SIZE))).toThrow(/empty block/);
    const huge = rawBlock({ typeflag: "x", size: MAX_EXTENSION_BYTES + 1 });
    expect(() => decodeHeaderSequence(huge)).toThrow(/oversized extension header/);
  });

  it("computes padding to whole blocks", () => {
    expect([0, 1, 511, 512, 513].map(paddingFor)).toEqual([0, 511, 1, 0, 511]);
  });
});
