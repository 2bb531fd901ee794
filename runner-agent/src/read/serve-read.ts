/**
 * Live reads of a run's directory (protocol `read`; spec §8.3): target info to a depth, a byte
 * range of a file, a head/tail summary, a directory as our tar, or a file followed as it grows
 * (follow-file.ts). Dependency mount points are
 * hidden and refused (the server reads those from the parent bundle); links are described, never
 * followed; every file is opened through `openInside`. Replies go out in chunks of at most
 * MAX_READ_CHUNK_BYTES.
 */
import { constants, type Stats } from "node:fs";
import { readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { CodalabError } from "@codalab/core/errors";
import { isWithin } from "@codalab/core/paths/safe-path";
import {
  MAX_READ_CHUNK_BYTES,
  type READ_ERROR_CODES,
  type ReadSpec,
  type TargetInfo,
} from "@codalab/core/runs/protocol";
import {
  assertRealDirectory,
  isHiddenPath,
  lstatInside,
  normalizeRunPath,
  openInside,
} from "../files/run-dir-paths.ts";
import { walkRunDir } from "../files/walk-run-dir.ts";
import { packRunDir } from "../upload/results-tar.ts";
import { followFile } from "./follow-file.ts";
import { summarizeFile } from "./summarize-file.ts";

export type ReadErrorCode = (typeof READ_ERROR_CODES)[number];

export type ReadSink = {
  /** Sends one chunk (≤ MAX_READ_CHUNK_BYTES); false when the reply can no longer be delivered. */
  chunk(data: Uint8Array): Promise<boolean>;
  end(info?: TargetInfo): void;
  error(code: ReadErrorCode, message: string): void;
};

export type ReadRequest = {
  root: string;
  /** The run's uuid: the name of the root in `info`, as CodaLab names it. */
  uuid: string;
  /** Dependency mount points (normalized paths inside the run directory). */
  hidden: readonly string[];
  path: string;
  spec: ReadSpec;
  /** A follow read goes on while this holds (absent: the run has stopped). */
  isRunning?: () => boolean;
  /** The server cancelled the read (`read_cancel`): stop sending. */
  signal?: AbortSignal;
};

class ReadFailure extends Error {
  readonly code: ReadErrorCode;
  constructor(code: ReadErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const MAX_INFO_ENTRIES = 10_000;

async function describe(
  root: string,
  rel: string,
  info: Stats,
  depth: number,
  name: string,
  hidden: readonly string[],
  budget: { entries: number },
): Promise<TargetInfo | null> {
  if (--budget.entries < 0)
    throw new ReadFailure("too_large", `more than ${MAX_INFO_ENTRIES} entries; ask for less depth`);
  const perm = info.mode & 0o777;
  if (info.isSymbolicLink()) {
    const link = await readlink(join(root, rel)).catch(() => "");
    return { name, type: "link", size: info.size, perm, link };
  }
  if (info.isFile()) return { name, type: "file", size: info.size, perm };
  if (!info.isDirectory()) return null;
  const target: TargetInfo = { name, type: "directory", size: 0, perm };
  if (depth > 0) {
    const names = (await readdir(join(root, rel)).catch(() => [])).sort();
    const contents: TargetInfo[] = [];
    for (const child of names) {
      const childRel = rel === "" ? child : `${rel}/${child}`;
      if (isHiddenPath(childRel, hidden)) continue;
      const childInfo = await lstatInside(root, childRel);
      if (childInfo === null) continue;
      const described = await describe(root, childRel, childInfo, depth - 1, child, hidden, budget);
      if (described !== null) contents.push(described);
    }
    target.contents = contents;
  }
  return target;
}

async function sendBytes(sink: ReadSink, bytes: Uint8Array): Promise<number> {
  let chunks = 0;
  for (let offset = 0; offset < bytes.length; offset += MAX_READ_CHUNK_BYTES) {
    if (!(await sink.chunk(bytes.subarray(offset, offset + MAX_READ_CHUNK_BYTES)))) break;
    chunks++;
  }
  return chunks;
}

function requireFile(rel: string, info: Stats): void {
  if (info.isFile()) return;
  const what = info.isDirectory() ? "a directory" : info.isSymbolicLink() ? "a symbolic link" : "not a regular file";
  throw new ReadFailure("invalid_path", `${JSON.stringify(rel)} is ${what}`);
}

async function readFileRange(root: string, rel: string, offset: number, length: number, sink: ReadSink) {
  const handle = await openInside(root, rel, constants.O_RDONLY);
  try {
    const size = (await handle.stat()).size;
    const end = Math.min(size, offset + length);
    for (let position = offset; position < end; ) {
      const buffer = new Uint8Array(Math.min(MAX_READ_CHUNK_BYTES, end - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      if (!(await sink.chunk(buffer.subarray(0, bytesRead)))) break;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

async function summarize(root: string, rel: string, spec: Extract<ReadSpec, { kind: "summary" }>, sink: ReadSink) {
  const handle = await openInside(root, rel, constants.O_RDONLY);
  try {
    const size = (await handle.stat()).size;
    const text = await summarizeFile(
      size,
      async (offset, length) => {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      },
      spec,
    );
    await sendBytes(sink, text);
  } finally {
    await handle.close();
  }
}

async function streamDirectory(root: string, rel: string, hidden: readonly string[], sink: ReadSink) {
  await assertRealDirectory(root, rel);
  const inside = hidden
    .filter((mount) => isWithin(rel, mount) && mount !== rel)
    .map((mount) => (rel === "" ? mount : mount.slice(rel.length + 1)));
  const { members } = await walkRunDir(rel === "" ? root : join(root, rel), { hidden: inside });
  const writer = new TarWriter();
  const packing = packRunDir(writer, root, members, { live: true, prefix: rel });
  packing.catch(() => undefined);
  const reader = writer.readable.getReader();
  let pending = new Uint8Array(0);
  const flush = async (final: boolean) => {
    while (pending.length >= MAX_READ_CHUNK_BYTES || (final && pending.length > 0)) {
      const piece = pending.subarray(0, MAX_READ_CHUNK_BYTES);
      pending = pending.subarray(piece.length);
      if (!(await sink.chunk(piece))) return false;
    }
    return true;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const joined = new Uint8Array(pending.length + value.length);
      joined.set(pending);
      joined.set(value, pending.length);
      pending = joined;
      if (!(await flush(false))) {
        await reader.cancel();
        return;
      }
    }
    await flush(true);
    await packing;
  } finally {
    reader.releaseLock();
  }
}

/** Answers one read; never throws (every failure becomes `read_error`). */
export async function serveRead(request: ReadRequest, sink: ReadSink): Promise<void> {
  const { root, spec, hidden } = request;
  try {
    let rel: string;
    try {
      rel = normalizeRunPath(request.path);
    } catch (error) {
      throw new ReadFailure("invalid_path", error instanceof Error ? error.message : String(error));
    }
    if (isHiddenPath(rel, hidden)) {
      throw new ReadFailure("not_found", `${JSON.stringify(rel)} is a dependency of the run; read it from its bundle`);
    }
    if (spec.kind === "follow") {
      // A file not written yet is waited for, so this comes before the existence check.
      const follow = { root, rel, offset: spec.offset, isRunning: request.isRunning ?? (() => false) };
      const complete = await followFile({ ...follow, signal: request.signal ?? new AbortController().signal }, sink);
      if (complete) sink.end();
      return;
    }
    const info = await lstatInside(root, rel);
    if (info === null) throw new ReadFailure("not_found", `${JSON.stringify(rel || ".")} does not exist (yet)`);
    switch (spec.kind) {
      case "info": {
        const name = rel === "" ? request.uuid : (rel.split("/").pop() ?? rel);
        const described = await describe(root, rel, info, spec.depth, name, hidden, { entries: MAX_INFO_ENTRIES });
        if (described === null)
          throw new ReadFailure("invalid_path", `${JSON.stringify(rel)} is not a file or directory`);
        sink.end(described);
        return;
      }
      case "file":
        requireFile(rel, info);
        await readFileRange(root, rel, spec.offset, spec.length, sink);
        break;
      case "summary":
        requireFile(rel, info);
        await summarize(root, rel, spec, sink);
        break;
      case "stream_directory":
        if (!info.isDirectory()) throw new ReadFailure("invalid_path", `${JSON.stringify(rel)} is not a directory`);
        await streamDirectory(root, rel, hidden, sink);
        break;
    }
    sink.end();
  } catch (error) {
    if (error instanceof ReadFailure) sink.error(error.code, error.message);
    else if (error instanceof CodalabError && error.code === "INVALID_PATH") sink.error("invalid_path", error.message);
    else if (isNotFound(error)) sink.error("not_found", "the path disappeared while it was read");
    else sink.error("internal", error instanceof Error ? error.message : String(error));
  }
}

function isNotFound(error: unknown): boolean {
  const code = error instanceof Error ? Reflect.get(error, "code") : undefined;
  return code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR";
}
