/**
 * Reading a ready bundle's contents (spec §9.3) from R2 without trusting its index: every file
 * read inside a directory bundle checks the tar header the index points at first, so a lying
 * index fails with INVALID_ARCHIVE instead of serving other bytes. Paths never escape the bundle
 * and symbolic links are never followed: a link is shown as a link.
 */
import {
  type BundleIndexEntry,
  type BundleTree,
  CodalabError,
  entryHeaderRange,
  findEntry,
  getTargetInfo,
  isDirectoryPath,
  type TargetInfo,
  TarWriter,
  verifyEntryAgainstHeader,
} from "@codalab/core";
import { type BundleStore, contentsKey } from "../storage/bundle-store.ts";
import { loadBundleTree } from "../storage/index-cache.ts";
import type { BundleRow } from "./bundle-fields.ts";
import { ByteStreamReader } from "./byte-stream-reader.ts";

/** Permission bits reported for a file bundle (its mode is not stored). */
const FILE_BUNDLE_PERM = 0o644;

/**
 * A contents path from a URL → normalized bundle-relative path ("" is the root). `..`, absolute
 * paths and NUL are refused; newlines are legal in file names and must round-trip.
 */
export function normalizeContentsPath(path: string): string {
  if (path.includes("\0")) throw new CodalabError("INVALID_PATH", "paths may not contain NUL characters");
  if (path.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(path)) {
    throw new CodalabError("INVALID_PATH", `the path must be relative to the bundle: ${JSON.stringify(path)}`);
  }
  const parts: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      throw new CodalabError("INVALID_PATH", `the path may not contain '..': ${JSON.stringify(path)}`);
    }
    parts.push(segment);
  }
  return parts.join("/");
}

export type ContentsTarget =
  /** The single file of a file bundle. */
  | { kind: "file_bundle"; key: string; size: number }
  /** A regular file inside a directory bundle. */
  | { kind: "entry"; key: string; tree: BundleTree; entry: BundleIndexEntry }
  /** A directory of a directory bundle ("" is the bundle itself). */
  | { kind: "directory"; key: string; tree: BundleTree; path: string }
  | { kind: "link"; tree: BundleTree; path: string; target: string };

function noContents(row: BundleRow): CodalabError {
  return new CodalabError(
    "NOT_FOUND",
    `bundle ${row.uuid} has no contents${row.state === "ready" ? " (they were deleted)" : ` (it is ${row.state})`}`,
  );
}

function notFound(row: BundleRow, path: string): CodalabError {
  return new CodalabError("NOT_FOUND", `no file or directory ${JSON.stringify(path)} in bundle ${row.uuid}`);
}

export async function resolveContentsTarget(store: BundleStore, row: BundleRow, path: string): Promise<ContentsTarget> {
  if (row.isDir === null) throw noContents(row);
  if (!row.isDir) {
    if (path !== "") {
      throw new CodalabError(
        "NOT_FOUND",
        `bundle ${row.uuid} is a single file: it has no ${JSON.stringify(path)} inside`,
      );
    }
    const key = contentsKey(row.uuid, "file");
    const size = row.dataSize ?? (await store.size(key));
    if (size === null) throw noContents(row);
    return { kind: "file_bundle", key, size };
  }
  const key = contentsKey(row.uuid, "directory");
  const tree = await loadBundleTree(store, row.uuid);
  if (path === "") return { kind: "directory", key, tree, path };
  const entry = findEntry(tree, path);
  if (entry === undefined) {
    if (isDirectoryPath(tree, path)) return { kind: "directory", key, tree, path };
    const link = linkOnTheWay(tree, path);
    if (link !== undefined) {
      throw new CodalabError(
        "INVALID_PATH",
        `${JSON.stringify(path)} goes through the symbolic link ${JSON.stringify(link.path)} -> ${JSON.stringify(link.link ?? "")}; links are never followed`,
      );
    }
    throw notFound(row, path);
  }
  if (entry.type === "link") return { kind: "link", tree, path, target: entry.link ?? "" };
  if (entry.type === "directory") return { kind: "directory", key, tree, path };
  return { kind: "entry", key, tree, entry };
}

function linkOnTheWay(tree: BundleTree, path: string): BundleIndexEntry | undefined {
  const segments = path.split("/");
  for (let end = 1; end < segments.length; end += 1) {
    const entry = findEntry(tree, segments.slice(0, end).join("/"));
    if (entry?.type === "link") return entry;
  }
  return undefined;
}

export function targetInfo(row: BundleRow, target: ContentsTarget, depth: number): TargetInfo {
  switch (target.kind) {
    case "file_bundle":
      return { name: row.uuid, type: "file", size: target.size, perm: FILE_BUNDLE_PERM };
    case "link":
    case "entry":
    case "directory": {
      const path = target.kind === "entry" ? target.entry.path : target.path;
      const info = getTargetInfo(target.tree, path, depth, row.uuid);
      if (info === undefined) throw notFound(row, path);
      return info;
    }
  }
}

/** A symbolic link is never followed: reading it is refused with where it points. */
export function refuseLink(target: { path: string; target: string }): CodalabError {
  return new CodalabError(
    "INVALID_PATH",
    `${JSON.stringify(target.path)} is a symbolic link to ${JSON.stringify(target.target)}; links are never followed`,
    { link: target.target },
  );
}

/** Checks the entry's tar header (one small read); throws INVALID_ARCHIVE when the index lies. */
export async function verifyEntry(store: BundleStore, key: string, entry: BundleIndexEntry): Promise<void> {
  const range = entryHeaderRange(entry);
  verifyEntryAgainstHeader(entry, await store.readBytes(key, range.offset, range.length));
}

/**
 * The whole data of a file entry from one range read covering its header and data; the header is
 * verified before any data is handed out.
 */
export async function openEntry(store: BundleStore, key: string, entry: BundleIndexEntry): Promise<ByteStreamReader> {
  const range = entryHeaderRange(entry);
  const stream = await store.read(key, { offset: range.offset, length: range.length + entry.size });
  if (stream === null) throw new CodalabError("NOT_FOUND", "the bundle's contents are missing from storage");
  const reader = new ByteStreamReader(stream);
  try {
    verifyEntryAgainstHeader(entry, await reader.readExact(range.length));
  } catch (error) {
    await reader.cancel();
    throw error;
  }
  return reader;
}

/** Reads bytes [offset, offset + length) of a target's file data (after verifying an entry once). */
export type FileBytesReader = (offset: number, length: number) => Promise<Uint8Array>;

export async function fileBytesReader(
  store: BundleStore,
  target: Extract<ContentsTarget, { kind: "file_bundle" | "entry" }>,
): Promise<FileBytesReader> {
  if (target.kind === "file_bundle") return (offset, length) => store.readBytes(target.key, offset, length);
  await verifyEntry(store, target.key, target.entry);
  const base = target.entry.offset;
  return (offset, length) => store.readBytes(target.key, base + offset, length);
}

/**
 * A new tar of one directory's members (paths relative to it), read member by member with
 * verified range reads. Runs as the consumer reads; a lying entry aborts the stream.
 */
export function subdirectoryTar(
  store: BundleStore,
  key: string,
  tree: BundleTree,
  path: string,
): ReadableStream<Uint8Array> {
  const writer = new TarWriter();
  const prefix = `${path}/`;
  const written = new Map<string, string>();
  const produce = async () => {
    for (const entry of tree.index.entries) {
      if (!entry.path.startsWith(prefix)) continue;
      const relative = entry.path.slice(prefix.length);
      const options = { mtime: entry.mtime, mode: entry.mode };
      if (entry.type === "directory") await writer.addDirectory(relative, options);
      else if (entry.type === "link") await writer.addSymlink(relative, entry.link ?? "", options);
      else {
        // Hardlinks share the data of the first copy written into this tar.
        const source = entry.hardlink_of ?? entry.path;
        const first = written.get(source);
        if (first !== undefined) await writer.addHardlink(relative, first);
        else {
          await writer.addFile(relative, async () => (await openEntry(store, key, entry)).rest(), {
            ...options,
            size: entry.size,
          });
          written.set(source, relative);
        }
      }
    }
    await writer.finish();
  };
  produce().catch((error: unknown) => writer.abort(error));
  return writer.readable;
}

/** Total bytes of the files under a directory (what `X-Codalab-Target-Size` reports). */
export function directorySize(tree: BundleTree, path: string): number {
  const prefix = path === "" ? "" : `${path}/`;
  let total = 0;
  for (const entry of tree.index.entries) {
    if (entry.type === "file" && entry.hardlink_of === undefined && entry.path.startsWith(prefix)) total += entry.size;
  }
  return total;
}
