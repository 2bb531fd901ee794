/**
 * A `follow` read (protocol 2): a file of a run from an offset on, sent as it is written, until the
 * run stops running. The reply opens at once with an empty chunk, so the server need not wait for
 * the first output. A file that does not exist yet (a run still preparing) is waited for. New
 * bytes are noticed through file-system events on the file's directory, with a timer behind them
 * for file systems that send none; whether the run still runs is asked before each read, so the
 * read after the run stopped is the last and nothing written before the stop is left out.
 */
import { constants, type FSWatcher, watch } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import { MAX_READ_CHUNK_BYTES } from "@codalab/core/runs/protocol";
import { lstatInside, openInside } from "../files/run-dir-paths.ts";

/** New bytes are looked for at least this often even without a file-system event. */
export const FOLLOW_CHECK_MS = 250;

export type FollowSink = {
  /** False when the reply can no longer be delivered. */
  chunk(data: Uint8Array): Promise<boolean>;
};

export type FollowRequest = {
  root: string;
  /** Normalized path inside the run directory, checked against dependency mounts already. */
  rel: string;
  offset: number;
  isRunning(): boolean;
  signal: AbortSignal;
  checkMs?: number;
};

/** Wakes its waiter on any file-system event in one directory, or when the timer runs out. */
class ChangeSignal {
  readonly #watcher: FSWatcher | null;
  #changed = false;
  #wake: (() => void) | undefined;

  constructor(directory: string) {
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(directory, { persistent: false }, () => this.#signal());
      watcher.on("error", () => undefined);
    } catch {
      // No events here (a directory not made yet, a file system without them): the timer remains.
    }
    this.#watcher = watcher;
  }

  #signal(): void {
    this.#changed = true;
    this.#wake?.();
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#changed || signal.aborted) {
      this.#changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        this.#changed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }

  close(): void {
    this.#watcher?.close();
  }
}

/** The file once it exists; a path that exists but is no regular file is refused. */
async function openWhenThere(root: string, rel: string): Promise<FileHandle | null> {
  const info = await lstatInside(root, rel);
  if (info === null) return null;
  if (!info.isFile()) {
    const what = info.isDirectory() ? "a directory" : info.isSymbolicLink() ? "a symbolic link" : "not a regular file";
    throw new CodalabError("INVALID_PATH", `${JSON.stringify(rel)} is ${what}: only files can be followed`);
  }
  return openInside(root, rel, constants.O_RDONLY);
}

/** Sends the file's bytes as they come; false when the reply could not be delivered or was cancelled. */
export async function followFile(request: FollowRequest, sink: FollowSink): Promise<boolean> {
  const { root, rel, signal, isRunning } = request;
  if (!(await sink.chunk(new Uint8Array(0)))) return false;
  const changes = new ChangeSignal(dirname(join(root, rel)));
  let handle: FileHandle | null = null;
  let position = request.offset;
  try {
    for (;;) {
      if (signal.aborted) return false;
      const running = isRunning();
      handle ??= await openWhenThere(root, rel);
      if (handle !== null) {
        const size = (await handle.stat()).size;
        while (position < size) {
          const buffer = new Uint8Array(Math.min(MAX_READ_CHUNK_BYTES, size - position));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) break;
          if (signal.aborted || !(await sink.chunk(buffer.subarray(0, bytesRead)))) return false;
          position += bytesRead;
        }
      }
      if (!running) return true;
      await changes.wait(request.checkMs ?? FOLLOW_CHECK_MS, signal);
    }
  } finally {
    changes.close();
    await handle?.close();
  }
}
