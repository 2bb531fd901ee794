/**
 * Following a file as it is written: `GET …/contents/blob/<path>?follow=1&offset=N`
 * (docs/design/runs.md "Following output"). The answer starts at once and carries the file's
 * bytes from `offset` on: while the run runs, from its worker (a protocol-2 `follow` read through
 * the worker's session, which forwards bytes as the run writes them); once the bundle is final,
 * the rest from the bundle store. Bytes passed on are counted, so the switch from the worker to
 * the store neither loses nor repeats one. In between (staged, uploading its results, a worker
 * gone for a while) the bundle's hub says when to look again: nothing is polled. The answer ends
 * when the file is complete; it may also end earlier (after 30 minutes, or when the connection
 * drops), and the client then asks again from the offset it reached.
 */
import {
  CodalabError,
  FINAL_STATES,
  followSource,
  MAX_EVENT_STREAM_MS,
  type PermissionCaller,
  requirePermission,
  restartsRun,
} from "@codalab/core";
import type { LiveReadReply } from "@codalab/durable-objects";
import { eq } from "drizzle-orm";
import { bundleLevels, bundleNotFound } from "../bundles/bundle-access.ts";
import { type ContentsTarget, fileBytesReader, refuseLink, resolveContentsTarget } from "../bundles/bundle-contents.ts";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import type { Db } from "../db/client.ts";
import { bundles, workerRuns } from "../db/schema.ts";
import { BINARY_TYPE, contentsHeaders } from "../routes/bundles/download-headers.ts";
import { sessionStub } from "../runs/stubs.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import { BundleWatcher } from "./bundle-watcher.ts";

/** Looks again this long after a worker could not be asked (it may be reconnecting). */
const WORKER_RETRY_MS = 2000;
/** Looks again after this long without a change, in case a change was never announced. */
const QUIET_CHECK_MS = 60_000;
/** Bytes read from the store at a time. */
const STORE_CHUNK_BYTES = 1024 * 1024;

export type FollowTarget = { row: BundleRow; path: string; offset: number; fileName: string };

type Io = { env: Env; db: Db; store: BundleStore; caller: PermissionCaller };
type Sink = (bytes: Uint8Array) => Promise<void>;

class ClientGone extends Error {}

function notAFile(target: ContentsTarget, path: string): CodalabError | null {
  if (target.kind === "link") return refuseLink(target);
  if (target.kind === "directory") {
    return new CodalabError(
      "VALIDATION_FAILED",
      `follow applies to files; ${JSON.stringify(path || ".")} is a directory`,
    );
  }
  return null;
}

/** The bundle as it is now, if the caller may still read it. */
async function readableRow(io: Io, uuid: string): Promise<BundleRow> {
  const row = await io.db.query.bundles.findFirst({ where: eq(bundles.uuid, uuid) });
  if (row === undefined) throw bundleNotFound(uuid);
  const levels = await bundleLevels(io.db, io.caller, [row]);
  requirePermission(levels.get(uuid) ?? "none", "read", "bundle", uuid);
  return row;
}

/** The file's bytes from `position` to its end, from the bundle store. */
async function copyFromStore(io: Io, row: BundleRow, path: string, position: number, sink: Sink): Promise<void> {
  let target: ContentsTarget;
  try {
    target = await resolveContentsTarget(io.store, row, path);
  } catch (error) {
    // The run ended without ever writing the file: there is nothing more to follow.
    if (error instanceof CodalabError && error.code === "NOT_FOUND") return;
    throw error;
  }
  const refused = notAFile(target, path);
  if (refused !== null) throw refused;
  if (target.kind !== "file_bundle" && target.kind !== "entry") return;
  const size = target.kind === "file_bundle" ? target.size : target.entry.size;
  const read = await fileBytesReader(io.store, target);
  for (let at = position; at < size; at += STORE_CHUNK_BYTES) {
    await sink(await read(at, Math.min(STORE_CHUNK_BYTES, size - at)));
  }
}

/**
 * Streams the file from the run's worker until the run stops running ("complete"), or until the
 * worker cannot be asked or the read breaks ("unavailable": look again later).
 */
async function copyFromRunner(
  io: Io,
  row: BundleRow,
  path: string,
  position: number,
  sink: Sink,
  signal: AbortSignal,
): Promise<"complete" | "unavailable"> {
  const holder = await io.db.query.workerRuns.findFirst({ where: eq(workerRuns.bundleUuid, row.uuid) });
  if (holder === undefined) return "unavailable";
  let reply: LiveReadReply;
  try {
    reply = await sessionStub(io.env, holder.workerId).read(holder.workerId, {
      uuid: row.uuid,
      path,
      spec: { kind: "follow", offset: position },
    });
  } catch {
    return "unavailable";
  }
  if (!reply.ok) {
    // An older runner cannot follow: the whole file comes from the store once the run is over.
    if (reply.code === "unsupported") return "complete";
    if (reply.code === "invalid_path") throw new CodalabError("INVALID_PATH", reply.message);
    return "unavailable";
  }
  if (!("stream" in reply)) return "unavailable";
  const reader = reply.stream.getReader();
  const session = sessionStub(io.env, holder.workerId);
  let stopped = false;
  // A client that leaves while the run prints nothing is noticed here, and the worker told to stop.
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void reader.cancel().catch(() => undefined);
    void session.cancelRead(holder.workerId, reply.id).catch(() => undefined);
  };
  signal.addEventListener("abort", stop, { once: true });
  let settled = false;
  try {
    const outcome = await pass(reader, sink, signal);
    settled = true;
    return outcome;
  } finally {
    signal.removeEventListener("abort", stop);
    // Left early (the client went away while bytes were being passed on): the worker stops too.
    if (!settled) stop();
  }
}

async function pass(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  sink: Sink,
  signal: AbortSignal,
): Promise<"complete" | "unavailable"> {
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      // The worker went away mid-read (or the read broke): what arrived is counted already.
      return "unavailable";
    }
    if (signal.aborted) throw new ClientGone();
    if (next.done) return "complete";
    await sink(next.value);
  }
}

async function follow(io: Io, target: FollowTarget, sink: Sink, signal: AbortSignal): Promise<void> {
  const uuid = target.row.uuid;
  const watcher = await BundleWatcher.open(io.env, [uuid]);
  signal.addEventListener("abort", () => watcher.close(), { once: true });
  try {
    const deadline = Date.now() + MAX_EVENT_STREAM_MS;
    let position = target.offset;
    let runnerDone = false;
    const count: Sink = async (bytes) => {
      position += bytes.byteLength;
      await sink(bytes);
    };
    for (;;) {
      if (signal.aborted) throw new ClientGone();
      const row = await readableRow(io, uuid);
      if (restartsRun(row.state)) runnerDone = false;
      const source = followSource({ bundle_type: row.bundleType, state: row.state }, runnerDone);
      if (source === "storage") {
        await copyFromStore(io, row, target.path, position, count);
        return;
      }
      if (Date.now() >= deadline) return;
      if (source === "runner" && (await copyFromRunner(io, row, target.path, position, count, signal)) === "complete") {
        runnerDone = true;
        continue;
      }
      await watcher.next(source === "runner" ? WORKER_RETRY_MS : QUIET_CHECK_MS);
    }
  } finally {
    watcher.close();
  }
}

/**
 * Checks what can be checked before answering (a final bundle's file and the offset), then
 * answers 200 at once and streams.
 */
export async function followContents(io: Io, target: FollowTarget): Promise<Response> {
  const { row, path, offset } = target;
  if (FINAL_STATES.includes(row.state)) {
    const resolved = await resolveContentsTarget(io.store, row, path);
    const refused = notAFile(resolved, path);
    if (refused !== null) throw refused;
    const size = resolved.kind === "file_bundle" ? resolved.size : resolved.kind === "entry" ? resolved.entry.size : 0;
    if (offset > size) {
      throw new CodalabError("RANGE_NOT_SATISFIABLE", `offset ${offset} lies beyond the file's ${size} bytes`);
    }
  }
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const gone = new AbortController();
  writer.closed.catch(() => gone.abort());
  const sink: Sink = async (bytes) => {
    try {
      await writer.write(bytes);
    } catch {
      throw new ClientGone();
    }
  };
  follow(io, target, sink, gone.signal)
    .then(() => writer.close())
    .catch(async (error: unknown) => {
      // A client that left, or a bundle deleted or made unreadable meanwhile, is no failure here.
      if (!(error instanceof ClientGone || error instanceof CodalabError))
        console.error(`following ${row.uuid}/${path} failed:`, error);
      await writer.abort(error).catch(() => undefined);
    });
  // The size is unknown while the file grows; the offset says where the bytes start.
  const { "X-Codalab-Target-Size": _unknown, ...headers } = contentsHeaders({
    fileName: target.fileName,
    contentType: BINARY_TYPE,
    targetType: "file",
    targetSize: 0,
  });
  return new Response(readable, { status: 200, headers: { ...headers, "X-Codalab-Follow-Offset": String(offset) } });
}

/**
 * Where a blob request wants following to start, or null when it does not follow. Following
 * combines with nothing that cuts the file differently.
 */
export function followOffset(
  query: { follow: boolean; offset?: number | undefined; head: number; tail: number },
  range: string | undefined,
): number | null {
  if (!query.follow) {
    if (query.offset !== undefined) {
      throw new CodalabError("VALIDATION_FAILED", "offset applies with follow=1; send a Range header otherwise");
    }
    return null;
  }
  if (query.head > 0 || query.tail > 0) {
    throw new CodalabError("VALIDATION_FAILED", "follow cannot be combined with head or tail");
  }
  if (range !== undefined) {
    throw new CodalabError("VALIDATION_FAILED", "follow cannot be combined with a Range header; use offset");
  }
  return query.offset ?? 0;
}
