/**
 * Follows a growing file of a running bundle (stdout, stderr) the way `tail -f` does: the last
 * `tailBytes` first, then everything appended. While the bundle runs the server keeps the answer
 * open and streams bytes as they are written (`?follow=1&offset=N`); an answer that ends early
 * (the server cuts long ones) is asked again from the byte reached. Once the bundle is final, one
 * last ranged read picks up anything left. No byte is shown twice and none is skipped.
 */
export type FollowDeps = {
  /**
   * The file's bytes from byte `from` on (200 or 206 with exactly those bytes, 416 when there are
   * none, 404 while the file does not exist); with `follow` the server keeps streaming new ones.
   */
  read(from: number, follow: boolean, signal: AbortSignal): Promise<Response>;
  /** The file's size now, or null while it does not exist. */
  size(signal: AbortSignal): Promise<number | null>;
  /** Whether the bundle may still write (checked after each read). */
  isRunning(): boolean;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  onText(text: string): void;
};

export const DEFAULT_TAIL_BYTES = 64 * 1024;

/** The server refused the read (no permission, a path that is not a file): asking again will not help. */
export class FollowError extends Error {
  readonly status: number;

  constructor(status: number) {
    super(`the file cannot be read (HTTP ${status})`);
    this.status = status;
  }
}
const PAUSE_MS = 1500;

/** Runs until the bundle stops and the last bytes are read, or `signal` aborts. */
export async function followFile(deps: FollowDeps, signal: AbortSignal, tailBytes = DEFAULT_TAIL_BYTES): Promise<void> {
  const decoder = new TextDecoder();
  let offset: number | null = null;
  let trimFirstLine = false;
  for (;;) {
    if (signal.aborted) return;
    const running = deps.isRunning();
    if (offset === null) {
      const size = await deps.size(signal);
      if (size !== null) {
        offset = Math.max(0, size - tailBytes);
        // Starting mid-file: the first line is cut, so it is dropped.
        trimFirstLine = offset > 0;
      }
    }
    let complete = true;
    if (offset !== null) {
      try {
        const response = await deps.read(offset, running, signal);
        if (response.status === 200 || response.status === 206) {
          const reader = response.body?.getReader();
          while (reader) {
            const { done, value } = await reader.read();
            if (done) break;
            offset += value.byteLength;
            let text = decoder.decode(value, { stream: true });
            if (trimFirstLine) {
              const newline = text.indexOf("\n");
              if (newline === -1) continue;
              text = text.slice(newline + 1);
              trimFirstLine = false;
            }
            if (text !== "") deps.onText(text);
          }
        } else if (response.status >= 500) {
          complete = false;
        } else if (response.status !== 416 && response.status !== 404) {
          throw new FollowError(response.status);
        }
      } catch (error) {
        // A dropped connection or an answer cut short: ask again from the byte reached.
        if (signal.aborted || error instanceof FollowError) throw error;
        complete = false;
      }
    }
    if (!running && complete) return;
    await deps.sleep(PAUSE_MS, signal);
  }
}
