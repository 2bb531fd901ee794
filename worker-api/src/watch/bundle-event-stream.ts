/**
 * `GET /rest/bundles/events` (docs/design/runs.md "Bundle events"): a Server-Sent Events stream
 * of bundles' JSON. The hubs are subscribed first; then every bundle is read and sent as
 * `GET /rest/bundles/{uuid}` would answer it, or as an `error` event carrying the error that GET
 * would give (not found, no read permission) — nothing else of that bundle is ever sent. After
 * that, each change a hub signals is read again with the caller's permissions and sent when its
 * JSON differs from the last one sent. A bundle is settled once final, unreadable or gone; when
 * every bundle is settled an `end` event closes the stream. Idle streams carry a comment every
 * heartbeat so proxies keep them open.
 */
import {
  BUNDLE_END_EVENT,
  BUNDLE_ERROR_EVENT,
  BUNDLE_EVENT,
  type BundleErrorEventData,
  type BundleInclude,
  CodalabError,
  formatServerSentComment,
  formatServerSentEvent,
  isSettledState,
  MAX_EVENT_STREAM_MS,
  type PermissionCaller,
  requirePermission,
} from "@codalab/core";
import { type BundleAccess, bundleLevels, bundleNotFound, fetchBundleRows } from "../bundles/bundle-access.ts";
import { serializeBundles } from "../bundles/serialize-bundles.ts";
import type { Db } from "../db/client.ts";
import { BundleWatcher } from "./bundle-watcher.ts";

export type BundleEventsRequest = {
  uuids: readonly string[];
  include: ReadonlySet<BundleInclude>;
  heartbeatMs: number;
};

export const EVENT_STREAM_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // Proxies must pass each event on as it comes, never hold or rewrite the stream.
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};

type Update = { uuid: string; text: string; settled: boolean };

/** The current event of each bundle, in the order asked. */
async function readUpdates(db: Db, caller: PermissionCaller, request: BundleEventsRequest, uuids: readonly string[]) {
  const rows = await fetchBundleRows(db, uuids);
  const levels = await bundleLevels(db, caller, [...rows.values()]);
  const readable: BundleAccess[] = [];
  const refused = new Map<string, CodalabError>();
  for (const uuid of uuids) {
    const row = rows.get(uuid);
    if (row === undefined) {
      refused.set(uuid, bundleNotFound(uuid));
      continue;
    }
    const level = levels.get(uuid) ?? "none";
    try {
      requirePermission(level, "read", "bundle", uuid);
      readable.push({ row, level });
    } catch (error) {
      if (!(error instanceof CodalabError)) throw error;
      refused.set(uuid, error);
    }
  }
  const serialized = new Map(
    (await serializeBundles(db, caller, readable, request.include)).map((bundle) => [bundle.uuid, bundle]),
  );
  return uuids.flatMap((uuid): Update[] => {
    const error = refused.get(uuid);
    if (error !== undefined) {
      const data: BundleErrorEventData = { uuid, error: { code: error.code, message: error.message } };
      return [{ uuid, text: formatServerSentEvent(BUNDLE_ERROR_EVENT, JSON.stringify(data)), settled: true }];
    }
    const bundle = serialized.get(uuid);
    if (bundle === undefined) return [];
    const text = formatServerSentEvent(BUNDLE_EVENT, JSON.stringify({ bundle }));
    return [{ uuid, text, settled: isSettledState(bundle.state) }];
  });
}

export function bundleEventStream(env: Env, db: Db, caller: PermissionCaller, request: BundleEventsRequest): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  // A client that went away makes the next write fail, which ends the loop: heartbeats bound how
  // long a dead stream keeps its hub connections.
  const write = (text: string) => writer.write(encoder.encode(text));

  const run = async () => {
    const watcher = await BundleWatcher.open(env, request.uuids);
    // A client that leaves ends the wait at once; the next write then fails and ends the loop.
    writer.closed.catch(() => watcher.close());
    try {
      const pending = new Set(request.uuids);
      const sent = new Map<string, string>();
      const publish = async (uuids: readonly string[]) => {
        for (const update of await readUpdates(db, caller, request, uuids)) {
          if (sent.get(update.uuid) !== update.text) {
            sent.set(update.uuid, update.text);
            await write(update.text);
          }
          if (update.settled) {
            pending.delete(update.uuid);
            watcher.drop(update.uuid);
          }
        }
      };
      await publish(request.uuids);
      const deadline = Date.now() + MAX_EVENT_STREAM_MS;
      while (pending.size > 0) {
        const left = deadline - Date.now();
        // Cut after a while without `end`: the client reconnects, and its token is checked again.
        if (left <= 0) break;
        const changed = await watcher.next(Math.min(request.heartbeatMs, left));
        if (changed.size === 0) await write(formatServerSentComment("keepalive"));
        else await publish(request.uuids.filter((uuid) => changed.has(uuid) && pending.has(uuid)));
      }
      if (pending.size === 0) await write(formatServerSentEvent(BUNDLE_END_EVENT, "{}"));
      await writer.close();
    } finally {
      watcher.close();
    }
  };
  run().catch(async (error: unknown) => {
    // Most often the client left; anything else cuts the stream, and the client reconnects.
    await writer.abort(error).catch(() => undefined);
  });
  return new Response(readable, { status: 200, headers: EVENT_STREAM_HEADERS });
}
