import { describe, expect, it } from "vitest";
import { CodalabError } from "../core-light.ts";
import { partLength, uploadParts } from "./part-uploader.ts";

function bytes(length: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => i % 256);
}

/** A stream of `data` in chunks of `chunk` bytes, recording how far it was read. */
function chunked(data: Uint8Array, chunk: number) {
  const state = { read: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.read >= data.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(data.slice(state.read, state.read + chunk));
      state.read += chunk;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

function collector() {
  const sent = new Map<number, Uint8Array>();
  return {
    sent,
    send: async (part: number, data: Uint8Array) => {
      sent.set(part, data);
    },
  };
}

describe("partLength", () => {
  it("gives full parts, then the remainder, and 0 for an empty source", () => {
    expect(partLength({ size: 25, partSize: 10 }, 1)).toBe(10);
    expect(partLength({ size: 25, partSize: 10 }, 3)).toBe(5);
    expect(partLength({ size: 0, partSize: 0 }, 1)).toBe(0);
  });
});

describe("uploadParts", () => {
  it("cuts a stream into parts across chunk boundaries", async () => {
    const data = bytes(25);
    const { stream } = chunked(data, 7);
    const { sent, send } = collector();
    await uploadParts(
      { open: () => stream },
      { size: 25, partSize: 10, partCount: 3, missing: [1, 2, 3] },
      { send, parallel: 2 },
    );
    expect([...sent.keys()].sort()).toEqual([1, 2, 3]);
    expect(sent.get(1)).toEqual(data.slice(0, 10));
    expect(sent.get(3)).toEqual(data.slice(20));
  });

  it("skips the parts the server has and stops reading after the last missing one", async () => {
    const data = bytes(40);
    const { stream, state } = chunked(data, 4);
    const { sent, send } = collector();
    await uploadParts(
      { open: () => stream },
      { size: 40, partSize: 10, partCount: 4, missing: [2] },
      { send, parallel: 4 },
    );
    expect([...sent.keys()]).toEqual([2]);
    expect(sent.get(2)).toEqual(data.slice(10, 20));
    expect(state.read).toBeLessThan(40);
    expect(state.cancelled).toBe(true);
  });

  it("reads parts of a random-access source where they lie, without opening a stream", async () => {
    const data = bytes(30);
    const { sent, send } = collector();
    const source = {
      open: () => {
        throw new Error("not used");
      },
      readRange: async (offset: number, length: number) => data.slice(offset, offset + length),
    };
    await uploadParts(source, { size: 30, partSize: 10, partCount: 3, missing: [1, 3] }, { send, parallel: 4 });
    expect(sent.get(3)).toEqual(data.slice(20));
    expect(sent.has(2)).toBe(false);
  });

  it("keeps at most `parallel` parts in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const send = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    };
    const { stream } = chunked(bytes(100), 100);
    const missing = Array.from({ length: 10 }, (_, i) => i + 1);
    await uploadParts(
      { open: () => stream },
      { size: 100, partSize: 10, partCount: 10, missing },
      { send, parallel: 3 },
    );
    expect(most).toBe(3);
  });

  it("retries transient failures with backoff and gives up on refusals", async () => {
    const delays: number[] = [];
    let attempts = 0;
    const flaky = async () => {
      attempts += 1;
      if (attempts < 3) throw new CodalabError("UNAVAILABLE", "busy");
    };
    const source = { open: () => chunked(bytes(5), 5).stream };
    const plan = { size: 5, partSize: 10, partCount: 1, missing: [1] };
    await uploadParts(source, plan, { send: flaky, parallel: 1, sleep: async (ms) => void delays.push(ms) });
    expect(delays).toEqual([1000, 2000]);
    const refused = async () => {
      throw new CodalabError("FORBIDDEN", "no");
    };
    await expect(uploadParts(source, plan, { send: refused, parallel: 1 })).rejects.toThrow("no");
  });

  it("lets parts in flight finish before reporting a failure", async () => {
    const done: number[] = [];
    const send = async (part: number) => {
      await new Promise((resolve) => setTimeout(resolve, part === 1 ? 2 : 20));
      if (part === 1) throw new CodalabError("FORBIDDEN", "part 1 refused");
      done.push(part);
    };
    const { stream } = chunked(bytes(30), 30);
    await expect(
      uploadParts(
        { open: () => stream },
        { size: 30, partSize: 10, partCount: 3, missing: [1, 2, 3] },
        { send, parallel: 3 },
      ),
    ).rejects.toThrow("part 1 refused");
    expect(done).toEqual([2, 3]);
  });

  it("stops after N parts when asked to simulate an interruption", async () => {
    const { sent, send } = collector();
    const { stream } = chunked(bytes(30), 30);
    await expect(
      uploadParts(
        { open: () => stream },
        { size: 30, partSize: 10, partCount: 3, missing: [1, 2, 3] },
        { send, parallel: 4, stopAfterParts: 2 },
      ),
    ).rejects.toThrow("stopped after 2 parts");
    expect([...sent.keys()]).toEqual([1, 2]);
  });

  it("notices a source that is shorter or longer than measured", async () => {
    const { send } = collector();
    const plan = { size: 20, partSize: 10, partCount: 2, missing: [1, 2] };
    await expect(
      uploadParts({ open: () => chunked(bytes(15), 15).stream }, plan, { send, parallel: 1 }),
    ).rejects.toThrow("no longer the 20 bytes");
    await expect(
      uploadParts({ open: () => chunked(bytes(25), 25).stream }, plan, { send, parallel: 1 }),
    ).rejects.toThrow("no longer the 20 bytes");
  });
});
