/**
 * The index stored beside a directory bundle's tar in R2: where each member's header and data
 * sit, so one range read serves any file. Clients build it; the server never trusts it: it is
 * parsed with `BundleIndexSchema` and every entry is checked against the tar header it points at
 * (`verifyEntryAgainstHeader`) before bytes are served, so a lying index can only break its own
 * bundle.
 */
import { z } from "zod";
import { CodalabError } from "../errors.ts";
import type { TargetInfo } from "../runs/protocol.ts";
import { normalizeMemberPath, parentPath, utf8Length } from "./member-path.ts";
import { BLOCK_SIZE, decodeHeaderSequence, type TarEntryType } from "./tar-header.ts";

export const BUNDLE_INDEX_VERSION = 1;
export const INDEX_ENTRY_TYPES = ["file", "directory", "link"] as const;
export type IndexEntryType = (typeof INDEX_ENTRY_TYPES)[number];

/** Largest header range (pax header + data + ustar block) an entry may name; ours are a few KiB. */
export const MAX_ENTRY_HEADER_BYTES = 64 * 1024;

const offsetSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const BundleIndexEntrySchema = z.object({
  /** Normalized bundle-relative path, never "" (the root has no entry). */
  path: z.string().min(1),
  type: z.enum(INDEX_ENTRY_TYPES),
  /** Tar offset of the member's first header block (its pax header when it has one). */
  header_offset: offsetSchema,
  /** Tar offset of the data; the member's ustar block is the 512 bytes before it. */
  offset: offsetSchema,
  /** Bytes of data (0 for directories and links). */
  size: offsetSchema,
  /** Permission bits. */
  mode: z.number().int().min(0).max(0o7777),
  /** Seconds since the epoch. */
  mtime: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  /** Symlink target, for type "link" only. */
  link: z.string().optional(),
  /**
   * For a file that was a hardlink in the archive: the path of the file whose header and data this
   * entry shares (header_offset/offset point there).
   */
  hardlink_of: z.string().min(1).optional(),
});
export type BundleIndexEntry = z.infer<typeof BundleIndexEntrySchema>;

export const BundleIndexSchema = z
  .object({
    version: z.literal(BUNDLE_INDEX_VERSION),
    /** Bytes in the tar object, end-of-archive blocks included. */
    tar_size: offsetSchema,
    /** In tar order. */
    entries: z.array(BundleIndexEntrySchema),
  })
  .superRefine((index, context) => {
    const problem = checkIndex(index);
    if (problem !== null) context.addIssue({ code: "custom", message: problem.message, path: problem.path });
  });
export type BundleIndex = z.infer<typeof BundleIndexSchema>;

/** Finds the first inconsistency an index can have without reading the tar. */
function checkIndex(index: BundleIndex): { message: string; path: (string | number)[] } | null {
  const seen = new Set<string>();
  for (const [i, entry] of index.entries.entries()) {
    const at = (message: string) => ({ message: `${JSON.stringify(entry.path)}: ${message}`, path: ["entries", i] });
    let canonical: string;
    try {
      canonical = normalizeMemberPath(entry.path);
    } catch (error) {
      return at(error instanceof Error ? error.message : "invalid path");
    }
    if (canonical !== entry.path) return at("path is not normalized");
    if (seen.has(entry.path)) return at("duplicate path");
    seen.add(entry.path);
    if (entry.header_offset % BLOCK_SIZE !== 0 || entry.offset % BLOCK_SIZE !== 0)
      return at("offsets must be block-aligned");
    const headerLength = entry.offset - entry.header_offset;
    if (headerLength < BLOCK_SIZE || headerLength > MAX_ENTRY_HEADER_BYTES) return at("invalid header range");
    if (entry.offset + entry.size > index.tar_size) return at("data extends past the end of the tar");
    if ((entry.type === "link") !== (entry.link !== undefined)) return at("only links have a link target");
    if (entry.type !== "file" && entry.size !== 0) return at("only files have data");
    if (entry.hardlink_of !== undefined && entry.type !== "file") return at("only files can share data");
  }
  return null;
}

/** Parses an index object read from storage or sent by a client; never cast one. */
export function parseBundleIndex(value: unknown): BundleIndex {
  const result = BundleIndexSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new CodalabError("INVALID_ARCHIVE", `invalid bundle index: ${where}${issue?.message ?? "unknown problem"}`);
  }
  return result.data;
}

export function emptyBundleIndex(tarSize = 2 * BLOCK_SIZE): BundleIndex {
  return { version: BUNDLE_INDEX_VERSION, tar_size: tarSize, entries: [] };
}

/** Bytes a bundle's contents occupy: file data counted once per stored copy, plus link targets. */
export function indexDataSize(index: BundleIndex): number {
  let total = 0;
  for (const entry of index.entries) {
    if (entry.type === "file" && entry.hardlink_of === undefined) total += entry.size;
    else if (entry.type === "link" && entry.link !== undefined) total += utf8Length(entry.link);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Lookup

/** An index with its lookups prepared: by path, and each directory's children sorted by name. */
export type BundleTree = {
  index: BundleIndex;
  byPath: Map<string, BundleIndexEntry>;
  children: Map<string, string[]>;
};

export function buildBundleTree(index: BundleIndex): BundleTree {
  const byPath = new Map<string, BundleIndexEntry>();
  const children = new Map<string, string[]>();
  const listed = new Set<string>();
  for (const entry of index.entries) {
    byPath.set(entry.path, entry);
    // Ancestors without entries of their own are listed too, so their children can be found.
    for (let path = entry.path; path !== "" && !listed.has(path); path = parentPath(path)) {
      listed.add(path);
      const parent = parentPath(path);
      const siblings = children.get(parent);
      if (siblings === undefined) children.set(parent, [path]);
      else siblings.push(path);
    }
  }
  for (const list of children.values()) list.sort(compareNames);
  return { index, byPath, children };
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The entry at a normalized path, or undefined. Lookups never follow links: a path through a
 * symlink is simply not found.
 */
export function findEntry(tree: BundleTree, path: string): BundleIndexEntry | undefined {
  return tree.byPath.get(path);
}

/** Whether `path` names a directory: the root, a directory entry, or an ancestor of entries. */
export function isDirectoryPath(tree: BundleTree, path: string): boolean {
  if (path === "") return true;
  const entry = tree.byPath.get(path);
  return entry ? entry.type === "directory" : tree.children.has(path);
}

/** Direct children of a directory (empty for anything else), sorted by name. */
export function listChildren(tree: BundleTree, path: string): BundleIndexEntry[] {
  if (!isDirectoryPath(tree, path)) return [];
  const out: BundleIndexEntry[] = [];
  for (const child of tree.children.get(path) ?? []) {
    out.push(tree.byPath.get(child) ?? impliedDirectory(child));
  }
  return out;
}

function impliedDirectory(path: string): BundleIndexEntry {
  return { path, type: "directory", header_offset: 0, offset: BLOCK_SIZE, size: 0, mode: 0o755, mtime: 0 };
}

/**
 * Target info (`contents/info`; the type and its schema live with the runner protocol, which
 * carries the same shape) for a normalized path, with directory contents `depth` levels deep
 * (0: none), as CodaLab's `get_target_info`. The root is named `rootName` (CodaLab uses the bundle uuid).
 * Returns undefined when nothing is at that path.
 */
export function getTargetInfo(tree: BundleTree, path: string, depth: number, rootName = ""): TargetInfo | undefined {
  if (path !== "" && !tree.byPath.has(path) && !tree.children.has(path)) return undefined;
  if (path === "") return describe(tree, path, undefined, depth, rootName);
  return describe(tree, path, tree.byPath.get(path) ?? impliedDirectory(path), depth, lastSegment(path));
}

function describe(
  tree: BundleTree,
  path: string,
  entry: BundleIndexEntry | undefined,
  depth: number,
  name: string,
): TargetInfo {
  if (entry === undefined || entry.type === "directory") {
    const info: TargetInfo = { name, type: "directory", size: 0, perm: (entry?.mode ?? 0o755) & 0o777 };
    if (depth > 0) {
      info.contents = listChildren(tree, path).map((child) =>
        describe(tree, child.path, child, depth - 1, lastSegment(child.path)),
      );
    }
    return info;
  }
  if (entry.type === "link") {
    const link = entry.link ?? "";
    // As lstat reports for a symlink: its size is the length of its target.
    return { name, type: "link", size: utf8Length(link), perm: entry.mode & 0o777, link };
  }
  return { name, type: "file", size: entry.size, perm: entry.mode & 0o777 };
}

// ---------------------------------------------------------------------------------------------
// Verification against the tar

/** The range to read from the tar object to verify an entry: its headers, up to its data. */
export function entryHeaderRange(entry: BundleIndexEntry): { offset: number; length: number } {
  return { offset: entry.header_offset, length: entry.offset - entry.header_offset };
}

const HEADER_TYPE_FOR: Record<IndexEntryType, TarEntryType> = {
  file: "file",
  directory: "directory",
  link: "symlink",
};

/**
 * Checks an index entry against the bytes `[header_offset, offset)` of the tar it describes and
 * throws INVALID_ARCHIVE when they disagree (a lying or stale index). Only after this may the
 * server serve `[offset, offset + size)` as the entry's contents.
 */
export function verifyEntryAgainstHeader(entry: BundleIndexEntry, headerBytes: Uint8Array): void {
  const mismatch = (what: string) =>
    new CodalabError(
      "INVALID_ARCHIVE",
      `the bundle index does not match the archive at ${JSON.stringify(entry.path)}: ${what}`,
    );
  if (headerBytes.byteLength !== entry.offset - entry.header_offset) throw mismatch("wrong header length");
  let decoded: ReturnType<typeof decodeHeaderSequence>;
  try {
    decoded = decodeHeaderSequence(headerBytes, entry.header_offset);
  } catch (error) {
    throw mismatch(error instanceof Error ? error.message : "unreadable header");
  }
  const { header, length } = decoded;
  if (length !== headerBytes.byteLength) throw mismatch("the header does not end where the data starts");
  let name: string;
  try {
    name = normalizeMemberPath(header.name);
  } catch {
    throw mismatch("the header's name is unsafe");
  }
  const expectedName = entry.hardlink_of ?? entry.path;
  if (name !== expectedName) throw mismatch(`the header names ${JSON.stringify(name)}`);
  if (header.type !== HEADER_TYPE_FOR[entry.type]) throw mismatch(`the header is a ${header.type}`);
  if (header.size !== entry.size) throw mismatch(`the header's size is ${header.size}`);
  if (header.mode !== entry.mode) throw mismatch(`the header's mode is ${header.mode.toString(8)}`);
  if (header.mtime !== entry.mtime) throw mismatch(`the header's mtime is ${header.mtime}`);
  if (entry.type === "link" && header.linkTarget !== entry.link) throw mismatch("the header's link target differs");
}
