/**
 * What `cl upload` sends, decided before anything is created on the server (CodaLab packs first so
 * bad input fails fast): one file as it is, a directory (or several paths) packed into our tar, an
 * archive unpacked and re-encoded, or the text of `-c`. Every source knows its exact size up
 * front, because the server plans the parts from it, and can be read again from the start with the
 * same bytes, because a resumed upload sends only the parts that are missing.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { archiveFormatOf, unpacksToDirectory } from "@codalab/core/archive/archive-format";
import type { BundleIndex } from "@codalab/core/archive/bundle-index";
import { CliError } from "../errors/cli-error.ts";
import { openArchiveAsTar, openCompressedFile } from "./archive-source.ts";
import { countBytes, fileStream, readRange } from "./byte-streams.ts";
import { compileExclusions, entryFor, inspectSource, type LocalEntry, listDirectory } from "./local-listing.ts";
import { packListing } from "./pack-listing.ts";

export type UploadSource = {
  kind: "file" | "directory";
  /** Bytes to send: the file, or the whole tar. */
  size: number;
  /** The tar's index, for directories. */
  index: BundleIndex | null;
  /** The bytes from the start; each call opens a fresh stream with the same bytes. */
  open(): ReadableStream<Uint8Array>;
  /** Direct reads for sources that exist as they are on disk (a plain file). */
  readRange?: (offset: number, length: number) => Promise<Uint8Array>;
  /** Identifies these exact bytes: unchanged inputs give the same fingerprint. */
  fingerprint: string;
};

export type SourceOptions = {
  /** Keep archives packed (`-p`). */
  pack: boolean;
  followSymlinks: boolean;
  exclude: readonly string[];
  warn(message: string): void;
};

export function contentsSource(text: string): UploadSource {
  const bytes = new TextEncoder().encode(text);
  return {
    kind: "file",
    size: bytes.byteLength,
    index: null,
    open: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
    readRange: async (offset, length) => bytes.subarray(offset, offset + length),
    fingerprint: digest(["contents", text]),
  };
}

/** `paths` are absolute. One path keeps its shape (file, directory, unpacked archive); several make a directory. */
export async function localSource(paths: readonly string[], options: SourceOptions): Promise<UploadSource> {
  const inspected = [];
  for (const path of paths) inspected.push({ path, ...(await inspectSource(path, options.followSymlinks)) });
  const [single] = inspected;
  if (single !== undefined && inspected.length === 1) {
    if (single.kind === "directory") {
      return directorySource(listDirectory(single.path, "", options));
    }
    const format = options.pack ? null : archiveFormatOf(basename(single.path));
    if (format === null) return fileSource(single.path, single.stats.size, stampOf(single.stats));
    const archiveStamp = [single.path, format, single.stats.size, stampOf(single.stats), ...options.exclude];
    if (unpacksToDirectory(format)) {
      return measured("directory", () => openArchiveAsTar(single.path, format, options.exclude), archiveStamp);
    }
    return measured("file", () => ({ readable: openCompressedFile(single.path, format), index: null }), archiveStamp);
  }
  const entries: LocalEntry[] = [];
  const seen = new Map<string, string>();
  const isExcluded = compileExclusions(options.exclude);
  for (const { path } of inspected) {
    const name = basename(path);
    if (isExcluded(name, name)) continue;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new CliError(
        "BAD_REQUEST",
        `${earlier} and ${path} would both be named ${JSON.stringify(name)} in the bundle`,
        {
          hint: "upload paths with different names, or put them in one directory first",
        },
      );
    }
    seen.set(name, path);
    // Top-level paths were checked (and links refused) above; `describe` follows them when asked.
    const top = entryFor(path, name, { ...options, followSymlinks: true });
    if (top === null) continue;
    entries.push(top);
    if (top.type === "directory") entries.push(...listDirectory(path, name, options));
  }
  return directorySource(entries);
}

function fileSource(path: string, size: number, stamp: string): UploadSource {
  return {
    kind: "file",
    size,
    index: null,
    open: () => fileStream(path, 0, size),
    readRange: async (offset, length) => {
      const bytes = await readRange(path, offset, length);
      if (bytes.byteLength !== length) throw changedWhileUploading(path);
      return bytes;
    },
    fingerprint: digest(["file", path, size, stamp]),
  };
}

/** A directory from a listing: the dry pass gives size and index without reading any file. */
async function directorySource(entries: readonly LocalEntry[]): Promise<UploadSource> {
  const dry = packListing(entries, { withData: false });
  const size = await countBytes(dry.readable);
  const index = await dry.index;
  return {
    kind: "directory",
    size,
    index,
    open: () => packListing(entries, { withData: true }).readable,
    fingerprint: digest([
      "directory",
      ...entries.map((entry) => [
        entry.path,
        entry.type,
        entry.mode,
        entry.mtime,
        entry.type === "file" ? entry.size : entry.type === "symlink" ? entry.target : null,
        entry.stamp,
      ]),
    ]),
  };
}

/**
 * A source whose size is only known after producing it (an unpacked archive): one full dry pass
 * measures it and checks the archive before any bundle exists.
 */
async function measured(
  kind: "file" | "directory",
  produce: () => { readable: ReadableStream<Uint8Array>; index: Promise<BundleIndex> | null },
  stamp: unknown[],
): Promise<UploadSource> {
  const dry = produce();
  const size = await countBytes(dry.readable);
  const index = dry.index === null ? null : await dry.index;
  return { kind, size, index, open: () => produce().readable, fingerprint: digest([kind, ...stamp]) };
}

function stampOf(stats: { ino: number; mtimeMs: number; ctimeMs: number }): string {
  return `${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

export function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

export function changedWhileUploading(path: string): CliError {
  return new CliError("CONFLICT", `${path} changed while it was being uploaded`, {
    hint: "upload it again once nothing is writing to it",
  });
}
