/**
 * The dependency cache (CodaLab's DependencyManager, spec §8.4): one local copy per
 * `(parent_uuid, parent_path)` under `<work-dir>/dependencies`, shared by every run that needs it.
 * Concurrent requests share one download; entries are reference counted while runs use them; when
 * the cache holds more than its limit, unused entries go, least recently used first. Only finished
 * downloads are remembered across restarts (a half-done one is simply fetched again).
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import type { DependencyKeyWire } from "@codalab/core/runs/protocol";
import { z } from "zod";
import { isTransient } from "../api/http-errors.ts";
import { writeFileAtomic } from "../files/atomic-write.ts";
import { errorText, type Logger } from "../logger.ts";
import type { Downloader } from "./http-downloader.ts";

export type CachedDependency = { path: string; type: "file" | "directory"; size: number };
/** A reference on a cached dependency; `release` it exactly when the run no longer uses it (repeats are no-ops). */
export type DependencyLease = CachedDependency & { key: DependencyKeyWire; release: () => void };

type Entry = {
  id: string;
  key: DependencyKeyWire;
  name: string;
  state: "downloading" | "ready";
  type: "file" | "directory";
  size: number;
  refs: number;
  lastUsed: number;
  progress: number;
  listeners: Set<(bytes: number) => void>;
  ready: Promise<void>;
  abort: AbortController;
};

const IndexSchema = z.object({
  version: z.literal(1),
  entries: z.array(
    z.object({
      parent_uuid: z.string(),
      parent_path: z.string(),
      name: z.string().regex(/^[0-9a-zA-Z_]+$/),
      type: z.enum(["file", "directory"]),
      size: z.number().int().nonnegative(),
      last_used: z.number(),
    }),
  ),
});

const INDEX_FILE = "index.json";

export function dependencyId(key: DependencyKeyWire): string {
  return `${key.parent_uuid}:${key.parent_path}`;
}

function entryName(key: DependencyKeyWire): string {
  if (key.parent_path === "") return key.parent_uuid;
  const digest = createHash("sha256").update(key.parent_path).digest("hex").slice(0, 16);
  return `${key.parent_uuid}_${digest}`;
}

export type DependencyCacheOptions = {
  dir: string;
  maxBytes: number;
  download: Downloader;
  log: Logger;
  now?: () => number;
  attempts?: number;
  retryDelayMs?: number;
};

export class DependencyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly options: DependencyCacheOptions;
  private readonly now: () => number;
  private writing: Promise<void> = Promise.resolve();

  constructor(options: DependencyCacheOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Bytes held by finished downloads. */
  get usedBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) if (entry.state === "ready") total += entry.size;
    return total;
  }

  /** Reloads finished downloads and removes anything else found in the directory. */
  async load(): Promise<void> {
    const { dir, log } = this.options;
    await mkdir(dir, { recursive: true });
    let index: z.infer<typeof IndexSchema> = { version: 1, entries: [] };
    try {
      const parsed = IndexSchema.safeParse(JSON.parse(await readFile(join(dir, INDEX_FILE), "utf8")));
      if (parsed.success) index = parsed.data;
      else log.warn(`dependency cache index is unreadable; starting with an empty cache`);
    } catch {
      // No index yet.
    }
    for (const item of index.entries) {
      const key = { parent_uuid: item.parent_uuid, parent_path: item.parent_path };
      if (entryName(key) !== item.name) continue;
      const contents = await stat(join(dir, item.name, "contents")).catch(() => null);
      if (contents === null) continue;
      this.entries.set(dependencyId(key), this.newEntry(key, "ready", item.type, item.size, item.last_used));
    }
    const known = new Set([...this.entries.values()].map((entry) => entry.name));
    for (const name of await readdir(dir).catch(() => [])) {
      if (name === INDEX_FILE || known.has(name)) continue;
      await rm(join(dir, name), { recursive: true, force: true });
    }
    await this.persist();
    await this.evict();
  }

  /** Dependencies ready on disk (what `hello` reports, for the scheduler's cache affinity). */
  cached(): DependencyKeyWire[] {
    return [...this.entries.values()].filter((entry) => entry.state === "ready").map((entry) => entry.key);
  }

  /**
   * Takes a reference on the dependency, downloading it unless it is here or on its way. On
   * failure or abort no reference is kept.
   */
  async acquire(
    key: DependencyKeyWire,
    options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
  ): Promise<DependencyLease> {
    const id = dependencyId(key);
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = this.newEntry(key, "downloading", "file", 0, this.now());
      this.entries.set(id, entry);
      entry.ready = this.download(entry);
      entry.ready.catch(() => undefined);
    }
    const current = entry;
    current.refs++;
    current.lastUsed = this.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.releaseEntry(current);
    };
    const listener = options.onProgress;
    if (listener) {
      current.listeners.add(listener);
      if (current.progress > 0) listener(current.progress);
    }
    try {
      await abortable(current.ready, options.signal);
    } catch (error) {
      release();
      throw error;
    } finally {
      if (listener) current.listeners.delete(listener);
    }
    return {
      key,
      path: join(this.options.dir, current.name, "contents"),
      type: current.type,
      size: current.size,
      release,
    };
  }

  private releaseEntry(entry: Entry): void {
    if (entry.refs === 0) return;
    entry.refs--;
    entry.lastUsed = this.now();
    if (this.entries.get(entry.id) !== entry) return;
    if (entry.refs === 0 && entry.state === "downloading") {
      // Nobody waits for it any more (the runs were killed): stop the transfer.
      entry.abort.abort(new CodalabError("UNAVAILABLE", "download no longer needed"));
    }
    if (entry.refs === 0) void this.evict();
  }

  /** Reference count of a dependency (tests and status). */
  references(key: DependencyKeyWire): number {
    return this.entries.get(dependencyId(key))?.refs ?? 0;
  }

  private newEntry(
    key: DependencyKeyWire,
    state: Entry["state"],
    type: Entry["type"],
    size: number,
    lastUsed: number,
  ): Entry {
    return {
      id: dependencyId(key),
      key,
      name: entryName(key),
      state,
      type,
      size,
      refs: 0,
      lastUsed,
      progress: 0,
      listeners: new Set(),
      ready: Promise.resolve(),
      abort: new AbortController(),
    };
  }

  private async download(entry: Entry): Promise<void> {
    const { dir, log } = this.options;
    const partial = join(dir, `${entry.name}.partial`);
    const final = join(dir, entry.name);
    const attempts = this.options.attempts ?? 3;
    const started = this.now();
    try {
      for (let attempt = 1; ; attempt++) {
        await rm(partial, { recursive: true, force: true });
        await mkdir(partial, { recursive: true });
        try {
          const result = await this.options.download(entry.key, join(partial, "contents"), {
            signal: entry.abort.signal,
            onProgress: (bytes) => {
              entry.progress = bytes;
              for (const listener of entry.listeners) listener(bytes);
            },
          });
          await rm(final, { recursive: true, force: true });
          await rename(partial, final);
          entry.type = result.type;
          entry.size = result.size;
          break;
        } catch (error) {
          if (entry.abort.signal.aborted || !isTransient(error) || attempt >= attempts) throw error;
          log.warn(`download of ${entry.id} failed (attempt ${attempt} of ${attempts}): ${errorText(error)}; retrying`);
          await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 1000) * attempt));
        }
      }
    } catch (error) {
      this.entries.delete(entry.id);
      await rm(partial, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    entry.state = "ready";
    log.info(
      `dependency ${entry.id} ready (${entry.type}, ${entry.size} bytes, ${((this.now() - started) / 1000).toFixed(1)}s)`,
    );
    await this.persist();
    await this.evict();
  }

  /** Drops unused finished entries, least recently used first, until the cache fits its limit. */
  async evict(): Promise<void> {
    const over = () => this.usedBytes > this.options.maxBytes;
    if (!over()) return;
    const candidates = [...this.entries.values()]
      .filter((entry) => entry.state === "ready" && entry.refs === 0)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    let changed = false;
    for (const entry of candidates) {
      if (!over()) break;
      this.entries.delete(entry.id);
      changed = true;
      this.options.log.info(`dependency cache over its limit: evicting ${entry.id} (${entry.size} bytes)`);
      await rm(join(this.options.dir, entry.name), { recursive: true, force: true });
    }
    if (changed) await this.persist();
    if (over()) {
      this.options.log.warn(
        `dependency cache holds ${this.usedBytes} bytes, over its ${this.options.maxBytes}-byte limit, all in use`,
      );
    }
  }

  private persist(): Promise<void> {
    const entries = [...this.entries.values()]
      .filter((entry) => entry.state === "ready")
      .map((entry) => ({
        parent_uuid: entry.key.parent_uuid,
        parent_path: entry.key.parent_path,
        name: entry.name,
        type: entry.type,
        size: entry.size,
        last_used: entry.lastUsed,
      }));
    const text = JSON.stringify({ version: 1, entries });
    this.writing = this.writing
      .then(() => writeFileAtomic(join(this.options.dir, INDEX_FILE), text, 0o644))
      .catch((error: unknown) => this.options.log.warn(`cannot save the dependency cache index: ${errorText(error)}`));
    return this.writing;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
