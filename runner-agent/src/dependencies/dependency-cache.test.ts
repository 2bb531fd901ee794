import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import type { DependencyKeyWire } from "@codalab/core/runs/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryLogger } from "../logger.ts";
import { UUID_A, UUID_B, UUID_C } from "../testing/fixtures.ts";
import { DependencyCache } from "./dependency-cache.ts";
import type { Downloader } from "./http-downloader.ts";

let dir: string;
let clock: number;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "cl-runner-cache-")), "dependencies");
  clock = 1000;
});

type Gate = { release: () => void; calls: number; aborted: number };

/** Writes `size` bytes for each key; waits on a gate when one is given. */
function fakeDownloader(sizes: Record<string, number>, gate?: Gate, fail?: (key: DependencyKeyWire) => Error | null) {
  let opened: Promise<void> = Promise.resolve();
  if (gate) opened = new Promise((resolve) => (gate.release = resolve));
  const downloader: Downloader = async (key, dest, { signal, onProgress }) => {
    if (gate) gate.calls++;
    const error = fail?.(key);
    if (error) throw error;
    await new Promise<void>((resolve, reject) => {
      signal.addEventListener("abort", () => {
        if (gate) gate.aborted++;
        reject(signal.reason);
      });
      void opened.then(resolve);
    });
    const size = sizes[key.parent_uuid] ?? 1;
    onProgress(size);
    await writeFile(dest, "x".repeat(size));
    return { type: "file", size };
  };
  return downloader;
}

function cache(download: Downloader, maxBytes = 100) {
  return new DependencyCache({ dir, maxBytes, download, log: new MemoryLogger(), now: () => clock++, retryDelayMs: 1 });
}

const key = (parent_uuid: string, parent_path = ""): DependencyKeyWire => ({ parent_uuid, parent_path });

describe("the dependency cache", () => {
  it("downloads once for concurrent requests and counts references", async () => {
    const gate: Gate = { release: () => undefined, calls: 0, aborted: 0 };
    const deps = cache(fakeDownloader({ [UUID_A]: 10 }, gate));
    await deps.load();
    const progress: number[] = [];
    const first = deps.acquire(key(UUID_A), { onProgress: (bytes) => progress.push(bytes) });
    const second = deps.acquire(key(UUID_A));
    expect(deps.references(key(UUID_A))).toBe(2);
    gate.release();
    const [a, b] = await Promise.all([first, second]);
    expect(gate.calls).toBe(1);
    expect(a.path).toBe(b.path);
    expect(await readFile(a.path, "utf8")).toBe("x".repeat(10));
    expect(progress).toEqual([10]);
    a.release();
    a.release();
    expect(deps.references(key(UUID_A))).toBe(1);
    b.release();
    expect(deps.references(key(UUID_A))).toBe(0);
    expect(deps.cached()).toEqual([key(UUID_A)]);
  });

  it("evicts unused entries, least recently used first, when over its size", async () => {
    const deps = cache(fakeDownloader({ [UUID_A]: 40, [UUID_B]: 40, [UUID_C]: 40 }), 100);
    await deps.load();
    const a = await deps.acquire(key(UUID_A));
    const b = await deps.acquire(key(UUID_B));
    b.release();
    a.release();
    // B was released first but A... both unused; B's last use is older.
    const again = await deps.acquire(key(UUID_A));
    again.release();
    const c = await deps.acquire(key(UUID_C));
    await deps.evict();
    expect(
      deps
        .cached()
        .map((k) => k.parent_uuid)
        .sort(),
    ).toEqual([UUID_A, UUID_C].sort());
    expect(deps.usedBytes).toBe(80);
    c.release();
  });

  it("never evicts an entry in use, and says when it cannot fit", async () => {
    const log = new MemoryLogger();
    const deps = new DependencyCache({
      dir,
      maxBytes: 50,
      download: fakeDownloader({ [UUID_A]: 40, [UUID_B]: 40 }),
      log,
    });
    await deps.load();
    const a = await deps.acquire(key(UUID_A));
    const b = await deps.acquire(key(UUID_B));
    await deps.evict();
    expect(deps.cached()).toHaveLength(2);
    expect(log.text()).toContain("over its 50-byte limit, all in use");
    a.release();
    b.release();
  });

  it("does not keep a failed download, so the next request tries again", async () => {
    let failures = 1;
    const deps = cache(
      fakeDownloader({}, undefined, () => (failures-- > 0 ? new CodalabError("NOT_FOUND", "no such bundle") : null)),
    );
    await deps.load();
    await expect(deps.acquire(key(UUID_A))).rejects.toThrow("no such bundle");
    expect(deps.references(key(UUID_A))).toBe(0);
    expect(deps.cached()).toEqual([]);
    const lease = await deps.acquire(key(UUID_A));
    expect(lease.size).toBe(1);
  });

  it("retries transient failures", async () => {
    let failures = 2;
    const deps = cache(
      fakeDownloader({}, undefined, () => (failures-- > 0 ? new CodalabError("UNAVAILABLE", "blip") : null)),
    );
    await deps.load();
    await expect(deps.acquire(key(UUID_A))).resolves.toMatchObject({ type: "file" });
  });

  it("stops a download nobody waits for any more", async () => {
    const gate: Gate = { release: () => undefined, calls: 0, aborted: 0 };
    const deps = cache(fakeDownloader({}, gate));
    await deps.load();
    const controller = new AbortController();
    const waiting = deps.acquire(key(UUID_A), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error("killed"));
    await expect(waiting).rejects.toThrow("killed");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gate.aborted).toBe(1);
    expect(deps.cached()).toEqual([]);
  });

  it("keeps finished downloads across restarts and drops anything half-done", async () => {
    const first = cache(fakeDownloader({ [UUID_A]: 5 }));
    await first.load();
    (await first.acquire(key(UUID_A, "sub/dir"))).release();
    await mkdir(join(dir, "stray.partial"));
    const second = cache(fakeDownloader({}));
    await second.load();
    expect(second.cached()).toEqual([key(UUID_A, "sub/dir")]);
    expect(second.usedBytes).toBe(5);
    expect((await readdir(dir)).sort()).toEqual(["index.json", expect.stringMatching(/^0xa+_[0-9a-f]{16}$/)].sort());
  });

  it("starts empty when its index is unreadable", async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "index.json"), JSON.stringify({ version: 1, entries: [{ bogus: true }] }));
    const log = new MemoryLogger();
    const deps = new DependencyCache({ dir, maxBytes: 10, download: fakeDownloader({}), log });
    await deps.load();
    expect(deps.cached()).toEqual([]);
    expect(log.text()).toContain("index is unreadable");
  });
});
