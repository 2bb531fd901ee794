import { appendFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReadSpec } from "@codalab/core/runs/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { type ReadErrorCode, serveRead } from "./serve-read.ts";

let root: string;
const UUID = `0x${"f".repeat(32)}`;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cl-runner-follow-"));
  await mkdir(join(root, "dep"));
  await mkdir(join(root, "out"));
});

/** A follow read in flight: what arrived so far, and how it ended. */
class Follow {
  chunks: Uint8Array[] = [];
  ended = false;
  error: { code: ReadErrorCode; message: string } | undefined;
  running = true;
  accept = true;
  readonly cancel = new AbortController();
  readonly done: Promise<void>;

  constructor(path: string, spec: ReadSpec) {
    this.done = serveRead(
      {
        root,
        uuid: UUID,
        hidden: ["dep"],
        path,
        spec,
        isRunning: () => this.running,
        signal: this.cancel.signal,
      },
      {
        chunk: async (data) => {
          if (!this.accept) return false;
          this.chunks.push(Uint8Array.from(data));
          return true;
        },
        end: () => {
          this.ended = true;
        },
        error: (code, message) => {
          this.error = { code, message };
        },
      },
    );
  }

  get text(): string {
    return new TextDecoder().decode(Buffer.concat(this.chunks));
  }

  async until(probe: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`timed out; have ${JSON.stringify(this.text)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const follow = (offset: number): ReadSpec => ({ kind: "follow", offset });

describe("following a file of a running run", () => {
  it("opens the reply at once, sends bytes from the offset as they are written, and ends after the run stops", async () => {
    await writeFile(join(root, "stdout"), "0123456789");
    const reader = new Follow("stdout", follow(4));
    await reader.until(() => reader.text === "456789");
    expect(reader.chunks[0]?.byteLength).toBe(0);
    await appendFile(join(root, "stdout"), "ab");
    await reader.until(() => reader.text === "456789ab");
    // Written just before the stop: still sent, then the reply ends.
    await appendFile(join(root, "stdout"), "cd");
    reader.running = false;
    await reader.done;
    expect(reader.text).toBe("456789abcd");
    expect(reader.ended).toBe(true);
  });

  it("waits for a file that is not written yet", async () => {
    const reader = new Follow("out/log", follow(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reader.text).toBe("");
    await writeFile(join(root, "out/log"), "late");
    await reader.until(() => reader.text === "late");
    reader.running = false;
    await reader.done;
    expect(reader.ended).toBe(true);
  });

  it("ends with nothing when the run stopped without writing the file", async () => {
    const reader = new Follow("never", follow(0));
    reader.running = false;
    await reader.done;
    expect({ text: reader.text, ended: reader.ended }).toEqual({ text: "", ended: true });
  });

  it("stops without ending when the server cancels or can no longer be reached", async () => {
    await writeFile(join(root, "stdout"), "x");
    const cancelled = new Follow("stdout", follow(0));
    await cancelled.until(() => cancelled.text === "x");
    cancelled.cancel.abort();
    await cancelled.done;
    expect(cancelled.ended).toBe(false);

    const unreachable = new Follow("stdout", follow(0));
    unreachable.accept = false;
    await unreachable.done;
    expect({ ended: unreachable.ended, error: unreachable.error }).toEqual({ ended: false, error: undefined });
  });

  it("refuses what is not a file of the run's own", async () => {
    const directory = new Follow("out", follow(0));
    await directory.done;
    expect(directory.error).toEqual({
      code: "invalid_path",
      message: '"out" is a directory: only files can be followed',
    });
    const dependency = new Follow("dep/data", follow(0));
    await dependency.done;
    expect(dependency.error?.code).toBe("not_found");
    const outside = new Follow("../etc/passwd", follow(0));
    await outside.done;
    expect(outside.error?.code).toBe("invalid_path");
  });
});
