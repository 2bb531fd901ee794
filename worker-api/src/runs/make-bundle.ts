/**
 * Make bundles (spec §3.2, §4.4), assembled on the server from their parents' contents in R2, no
 * worker involved: one unkeyed target makes the bundle that very file or directory (a whole
 * directory bundle is copied byte for byte with its index); keyed targets make a directory with
 * one entry per key, written by `TarWriter` with its index. Contents are copied, never linked;
 * symbolic links inside directories stay links. The owner's disk quota is charged in the batch
 * that makes the bundle ready.
 */
import { type BundleState, CodalabError, formatSize, indexDataSize, normalizeSubpath, TarWriter } from "@codalab/core";
import { eq, inArray } from "drizzle-orm";
import { type ContentsTarget, openEntry, refuseLink, resolveContentsTarget } from "../bundles/bundle-contents.ts";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundles, users } from "../db/schema.ts";
import { type BundleStore, contentsKey, exactLength } from "../storage/bundle-store.ts";
import { forgetBundleTree } from "../storage/index-cache.ts";
import { streamToStore } from "../storage/stream-to-store.ts";
import type { BundleNews } from "../watch/bundle-news.ts";
import { applyTransition } from "./apply-transition.ts";
import { dependenciesOf } from "./staging.ts";

type Source = { key: string; parent: BundleRow; path: string };
type Made = { isDir: boolean; dataSize: number };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes a staged make bundle. Returns the final state it reached, or null when it was not staged
 * (another attempt has it) or was killed meanwhile.
 */
export async function runMake(db: Db, store: BundleStore, news: BundleNews, uuid: string): Promise<BundleState | null> {
  const started = await applyTransition(db, news, uuid, { type: "make_started" });
  if (!started.applied || started.before.row.state !== "staged") return null;
  const row = started.before.row;
  let made: Made;
  try {
    made = await assemble(db, store, row);
  } catch (error) {
    await discard(store, uuid);
    const message = error instanceof CodalabError ? error.message : `the make failed: ${errorText(error)}`;
    const failed = await applyTransition(db, news, uuid, { type: "make_failed", message });
    return failed.applied ? failed.state : null;
  }
  const owner = await db.query.users.findFirst({ where: eq(users.id, row.ownerId) });
  if (owner === undefined || owner.diskUsed + made.dataSize > owner.diskQuota) {
    await discard(store, uuid);
    const used = owner?.diskUsed ?? 0;
    const failed = await applyTransition(db, news, uuid, {
      type: "make_failed",
      message: `disk quota exceeded: ${formatSize(made.dataSize)} more would not fit: ${formatSize(used)} of ${formatSize(owner?.diskQuota ?? 0)} used`,
    });
    return failed.applied ? failed.state : null;
  }
  const done = await applyTransition(
    db,
    news,
    uuid,
    { type: "make_succeeded", data_size: made.dataSize },
    {
      extra: (_before, _result, guard) => [
        {
          sql: `update bundles set is_dir = ? where uuid = ? and ${guard.sql}`,
          params: [made.isDir ? 1 : 0, uuid, ...guard.params],
        },
        {
          sql: `update users set disk_used = disk_used + ? where id = ? and ${guard.sql}`,
          params: [made.dataSize, row.ownerId, ...guard.params],
        },
      ],
    },
  );
  if (!done.applied) {
    // Killed while it was being made: what was written belongs to no bundle.
    await discard(store, uuid);
    return null;
  }
  return done.state;
}

async function discard(store: BundleStore, uuid: string): Promise<void> {
  await store.deleteContents(uuid).catch(() => undefined);
  forgetBundleTree(uuid);
}

async function assemble(db: Db, store: BundleStore, row: BundleRow): Promise<Made> {
  const deps = await dependenciesOf(db, row.uuid);
  const parents = await queryInChunks(
    deps.map((dep) => dep.parentUuid),
    (chunk) => db.select().from(bundles).where(inArray(bundles.uuid, chunk)),
  );
  const byUuid = new Map(parents.map((parent) => [parent.uuid, parent]));
  const sources: Source[] = deps.map((dep) => {
    const parent = byUuid.get(dep.parentUuid);
    if (parent === undefined) throw new CodalabError("NOT_FOUND", `parent bundle ${dep.parentUuid} no longer exists`);
    return { key: dep.childPath, parent, path: normalizeSubpath(dep.parentPath, "parent path") };
  });
  const [only] = sources;
  if (only !== undefined && sources.length === 1 && only.key === "") return makeFromOne(store, row.uuid, only);
  return makeKeyed(store, row.uuid, sources);
}

function target(store: BundleStore, source: Source): Promise<ContentsTarget> {
  return resolveContentsTarget(store, source.parent, source.path);
}

async function readObject(store: BundleStore, key: string): Promise<ReadableStream<Uint8Array>> {
  const stream = await store.read(key);
  if (stream === null) throw new CodalabError("NOT_FOUND", "a parent's contents are missing from storage");
  return stream;
}

/** The bundle is the one target: a file, or a directory (copied whole when it is a whole bundle). */
async function makeFromOne(store: BundleStore, uuid: string, source: Source): Promise<Made> {
  const found = await target(store, source);
  switch (found.kind) {
    case "link":
      throw refuseLink(found);
    case "file_bundle":
      await store.put(contentsKey(uuid, "file"), exactLength(await readObject(store, found.key), found.size));
      return { isDir: false, dataSize: found.size };
    case "entry": {
      const reader = await openEntry(store, found.key, found.entry);
      await store.put(contentsKey(uuid, "file"), exactLength(reader.rest(), found.entry.size));
      return { isDir: false, dataSize: found.entry.size };
    }
    case "directory": {
      if (found.path === "") {
        const size = await store.size(found.key);
        if (size === null) throw new CodalabError("NOT_FOUND", "a parent's contents are missing from storage");
        await store.put(contentsKey(uuid, "directory"), exactLength(await readObject(store, found.key), size));
        await store.writeIndex(uuid, found.tree.index);
        return { isDir: true, dataSize: indexDataSize(found.tree.index) };
      }
      return writeTar(store, uuid, (writer) => copyTree(writer, store, found, ""));
    }
  }
}

/** A directory with one entry per key (nested keys get their parent directories). */
function makeKeyed(store: BundleStore, uuid: string, sources: readonly Source[]): Promise<Made> {
  const mtime = Math.floor(Date.now() / 1000);
  return writeTar(store, uuid, async (writer) => {
    const directories = new Set<string>();
    const ensureParents = async (key: string) => {
      const segments = key.split("/");
      for (let end = 1; end < segments.length; end++) {
        const path = segments.slice(0, end).join("/");
        if (directories.has(path)) continue;
        directories.add(path);
        await writer.addDirectory(path, { mtime });
      }
    };
    for (const source of sources) {
      const found = await target(store, source);
      await ensureParents(source.key);
      switch (found.kind) {
        case "link":
          await writer.addSymlink(source.key, found.target, { mtime });
          break;
        case "file_bundle":
          await writer.addFile(source.key, () => readObject(store, found.key), { size: found.size, mtime });
          break;
        case "entry": {
          const entry = found.entry;
          await writer.addFile(source.key, async () => (await openEntry(store, found.key, entry)).rest(), {
            size: entry.size,
            mode: entry.mode,
            mtime: entry.mtime,
          });
          break;
        }
        case "directory":
          directories.add(source.key);
          await writer.addDirectory(source.key, { mtime });
          await copyTree(writer, store, found, source.key);
          break;
      }
    }
  });
}

/** Every member under a directory of a parent, re-rooted at `prefix` ("" = the new bundle's root). */
async function copyTree(
  writer: TarWriter,
  store: BundleStore,
  found: Extract<ContentsTarget, { kind: "directory" }>,
  prefix: string,
): Promise<void> {
  const base = found.path === "" ? "" : `${found.path}/`;
  const written = new Map<string, string>();
  for (const entry of found.tree.index.entries) {
    if (!entry.path.startsWith(base)) continue;
    const relative = entry.path.slice(base.length);
    const name = prefix === "" ? relative : `${prefix}/${relative}`;
    const options = { mtime: entry.mtime, mode: entry.mode };
    if (entry.type === "directory") await writer.addDirectory(name, options);
    else if (entry.type === "link") await writer.addSymlink(name, entry.link ?? "", options);
    else {
      // Hardlinks share the data of the first copy written into this tar.
      const origin = entry.hardlink_of ?? entry.path;
      const first = written.get(origin);
      if (first !== undefined) await writer.addHardlink(name, first);
      else {
        await writer.addFile(name, async () => (await openEntry(store, found.key, entry)).rest(), {
          ...options,
          size: entry.size,
        });
        written.set(origin, name);
      }
    }
  }
}

/** Runs `fill` into a new tar streamed to the bundle's contents, then stores its index. */
async function writeTar(store: BundleStore, uuid: string, fill: (writer: TarWriter) => Promise<void>): Promise<Made> {
  const writer = new TarWriter();
  const writing = streamToStore(store, contentsKey(uuid, "directory"), writer.readable);
  let index: Awaited<ReturnType<TarWriter["finish"]>>;
  try {
    await fill(writer);
    index = await writer.finish();
  } catch (error) {
    writer.abort(error);
    await writing.catch(() => undefined);
    throw error;
  }
  const size = await writing;
  if (size !== index.tar_size) {
    throw new CodalabError("INTERNAL", `the assembled tar has ${size} bytes but its index says ${index.tar_size}`);
  }
  await store.writeIndex(uuid, index);
  return { isDir: true, dataSize: indexDataSize(index) };
}
