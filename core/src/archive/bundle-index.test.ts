import { describe, expect, it } from "vitest";
import { TargetInfoSchema } from "../runs/protocol.ts";
import {
  type BundleIndex,
  type BundleIndexEntry,
  buildBundleTree,
  emptyBundleIndex,
  entryHeaderRange,
  findEntry,
  getTargetInfo,
  indexDataSize,
  isDirectoryPath,
  listChildren,
  parseBundleIndex,
  verifyEntryAgainstHeader,
} from "./bundle-index.ts";
import { readAllBytes } from "./entry-body.ts";
import { BLOCK_SIZE } from "./tar-header.ts";
import { TarWriter } from "./tar-writer.ts";

const encode = (value: string) => new TextEncoder().encode(value);

async function sampleBundle(): Promise<{ tar: Uint8Array; index: BundleIndex }> {
  const writer = new TarWriter();
  const tar = readAllBytes(writer.readable);
  await writer.addDirectory("src", { mtime: 1, mode: 0o750 });
  await writer.addFile("src/main.py", encode("print(1)\n"), { size: 9, mtime: 2, mode: 0o755 });
  await writer.addFile("src/ünï côdé\n.txt", encode("u"), { size: 1, mtime: 3 });
  await writer.addFile(`${"deep/".repeat(30)}leaf`, encode("leaf"), { size: 4, mtime: 4 });
  await writer.addSymlink("latest", "src/main.py", { mtime: 5 });
  await writer.addFile("__proto__", encode("p"), { size: 1, mtime: 6 });
  await writer.addHardlink("src/copy.py", "src/main.py");
  const index = await writer.finish();
  return { tar: await tar, index };
}

function entry(index: BundleIndex, path: string): BundleIndexEntry {
  const found = index.entries.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no entry ${path}`);
  return found;
}

function headerBytes(tar: Uint8Array, indexEntry: BundleIndexEntry): Uint8Array {
  const range = entryHeaderRange(indexEntry);
  return tar.subarray(range.offset, range.offset + range.length);
}

describe("parseBundleIndex", () => {
  it("accepts what the writer produces, after a JSON round trip", async () => {
    const { index } = await sampleBundle();
    expect(parseBundleIndex(JSON.parse(JSON.stringify(index)))).toEqual(index);
    expect(parseBundleIndex(emptyBundleIndex())).toEqual({ version: 1, tar_size: 1024, entries: [] });
  });

  it("refuses indexes that cannot describe a valid tar, saying where", () => {
    const good: BundleIndexEntry = {
      path: "f",
      type: "file",
      header_offset: 0,
      offset: 512,
      size: 3,
      mode: 0o644,
      mtime: 0,
    };
    const withEntries = (...entries: unknown[]) => ({ version: 1, tar_size: 2048, entries });
    const cases: [unknown, RegExp][] = [
      [{ version: 2, tar_size: 1024, entries: [] }, /version/],
      ["not an object", /invalid bundle index/],
      [withEntries({ ...good, path: "../x" }), /'\.\.' is not allowed/],
      [withEntries({ ...good, path: "a//b" }), /not normalized/],
      [withEntries(good, { ...good, header_offset: 1024, offset: 1536 }), /entries\.1: "f": duplicate path/],
      [withEntries({ ...good, offset: 513 }), /block-aligned/],
      [withEntries({ ...good, offset: 0 }), /invalid header range/],
      [withEntries({ ...good, offset: 1024 * 1024 }), /invalid header range/],
      [withEntries({ ...good, size: 5000 }), /past the end/],
      [withEntries({ ...good, link: "x" }), /only links have a link target/],
      [withEntries({ ...good, type: "link", size: 0 }), /only links have a link target/],
      [withEntries({ ...good, type: "directory" }), /only files have data/],
      [withEntries({ ...good, type: "directory", size: 0, hardlink_of: "g" }), /only files can share data/],
      [withEntries({ ...good, mode: 0o10000 }), /entries\.0\.mode/],
      [withEntries({ ...good, size: -1 }), /entries\.0\.size/],
    ];
    for (const [value, message] of cases) {
      expect(() => parseBundleIndex(value), String(message)).toThrow(message);
    }
  });
});

describe("bundle tree lookups", () => {
  it("finds entries by path without following links or trusting object keys", async () => {
    const tree = buildBundleTree((await sampleBundle()).index);
    expect(findEntry(tree, "src/main.py")?.size).toBe(9);
    expect(findEntry(tree, "__proto__")?.type).toBe("file");
    expect(findEntry(tree, "latest/anything")).toBeUndefined();
    expect(findEntry(tree, "constructor")).toBeUndefined();
  });

  it("lists children sorted by name, including directories implied by deeper members", async () => {
    const tree = buildBundleTree((await sampleBundle()).index);
    expect(listChildren(tree, "").map((child) => child.path)).toEqual(["__proto__", "deep", "latest", "src"]);
    expect(listChildren(tree, "src").map((child) => child.path)).toEqual([
      "src/copy.py",
      "src/main.py",
      "src/ünï côdé\n.txt",
    ]);
    expect(listChildren(tree, "deep")).toEqual([expect.objectContaining({ path: "deep/deep", type: "directory" })]);
    expect(listChildren(tree, "src/main.py")).toEqual([]);
    expect(isDirectoryPath(tree, "deep/deep")).toBe(true);
    expect(isDirectoryPath(tree, "latest")).toBe(false);
    expect(isDirectoryPath(tree, "missing")).toBe(false);
  });

  it("builds the tree of a 20 000-file bundle and lists a directory of 2 000 children", () => {
    const entries: BundleIndexEntry[] = [];
    for (let i = 0; i < 20_000; i++) {
      entries.push({
        path: `d${i % 10}/f${i}`,
        type: "file",
        header_offset: i * 1024,
        offset: i * 1024 + 512,
        size: 1,
        mode: 0o644,
        mtime: 0,
      });
    }
    const index = parseBundleIndex({ version: 1, tar_size: 20_000 * 1024 + 1024, entries });
    const tree = buildBundleTree(index);
    expect(listChildren(tree, "d3")).toHaveLength(2000);
  });

  it("describes targets as CodaLab's target info, to the requested depth", async () => {
    const tree = buildBundleTree((await sampleBundle()).index);
    const root = getTargetInfo(tree, "", 1, "0x1234");
    expect(root).toMatchObject({ name: "0x1234", type: "directory", size: 0, perm: 0o755 });
    expect(root?.contents?.map((child) => [child.name, child.type])).toEqual([
      ["__proto__", "file"],
      ["deep", "directory"],
      ["latest", "link"],
      ["src", "directory"],
    ]);
    expect(root?.contents?.find((child) => child.name === "src")?.contents).toBeUndefined();
    expect(getTargetInfo(tree, "latest", 3)).toEqual({
      name: "latest",
      type: "link",
      size: 11,
      perm: 0o777,
      link: "src/main.py",
    });
    expect(getTargetInfo(tree, "src", 1)).toEqual({
      name: "src",
      type: "directory",
      size: 0,
      perm: 0o750,
      contents: [
        { name: "copy.py", type: "file", size: 9, perm: 0o755 },
        { name: "main.py", type: "file", size: 9, perm: 0o755 },
        { name: "ünï côdé\n.txt", type: "file", size: 1, perm: 0o644 },
      ],
    });
    expect(getTargetInfo(tree, "deep", 0)).toEqual({ name: "deep", type: "directory", size: 0, perm: 0o755 });
    expect(getTargetInfo(tree, "nope", 1)).toBeUndefined();
    expect(getTargetInfo(tree, "latest/main.py", 1)).toBeUndefined();
    expect(TargetInfoSchema.parse(JSON.parse(JSON.stringify(root)))).toEqual(root);
  });

  it("counts data once per stored copy, plus link targets", async () => {
    expect(indexDataSize((await sampleBundle()).index)).toBe(9 + 1 + 4 + 1 + "src/main.py".length);
  });
});

describe("verifyEntryAgainstHeader", () => {
  it("accepts every entry the writer indexed, hardlinks and pax names included", async () => {
    const { tar, index } = await sampleBundle();
    for (const indexEntry of index.entries) verifyEntryAgainstHeader(indexEntry, headerBytes(tar, indexEntry));
    expect(entry(index, "src/ünï côdé\n.txt").offset - entry(index, "src/ünï côdé\n.txt").header_offset).toBe(
      3 * BLOCK_SIZE,
    );
  });

  it("detects a lying index: every field it could lie about", async () => {
    const { tar, index } = await sampleBundle();
    const main = entry(index, "src/main.py");
    const other = entry(index, "__proto__");
    const link = entry(index, "latest");
    const lies: [BundleIndexEntry, RegExp][] = [
      [{ ...main, header_offset: other.header_offset, offset: other.offset }, /header names "__proto__"/],
      [{ ...main, size: 10 }, /size is 9/],
      [{ ...main, mode: 0o644 }, /mode is 755/],
      [{ ...main, mtime: 99 }, /mtime is 2/],
      [{ ...main, type: "directory", size: 0 }, /is a file/],
      [{ ...link, link: "/etc/passwd" }, /link target differs/],
      [{ ...main, hardlink_of: "__proto__" }, /header names "src\/main.py"/],
      [{ ...main, header_offset: main.header_offset - BLOCK_SIZE }, /header does not end where the data starts|names/],
      [{ ...main, header_offset: main.offset, offset: main.offset + BLOCK_SIZE }, /checksum|empty block/],
    ];
    for (const [lie, message] of lies) {
      expect(() => verifyEntryAgainstHeader(lie, headerBytes(tar, lie)), String(message)).toThrow(message);
    }
    expect(() => verifyEntryAgainstHeader(main, new Uint8Array(100))).toThrow(/wrong header length/);
  });

  it("refuses a header whose own name is unsafe", async () => {
    const { encodeTarHeader } = await import("./tar-header.ts");
    const evil = encodeTarHeader({ name: "../evil", type: "file", size: 0, mode: 0o644, mtime: 0 });
    const lie: BundleIndexEntry = {
      path: "evil",
      type: "file",
      header_offset: 0,
      offset: 512,
      size: 0,
      mode: 0o644,
      mtime: 0,
    };
    expect(() => verifyEntryAgainstHeader(lie, evil)).toThrow(/unsafe/);
  });
});
