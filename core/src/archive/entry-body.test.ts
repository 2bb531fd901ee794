import { describe, expect, it } from "vitest";
import { gunzipStream, gzipStream, looksGzipped } from "./compression.ts";
import { discardBody, readAllBytes } from "./entry-body.ts";

const encode = (value: string) => new TextEncoder().encode(value);

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe("entry bodies", () => {
  it("reads bytes, streams and lazily opened streams whole", async () => {
    expect(await readAllBytes(encode("abc"))).toEqual(encode("abc"));
    expect(await readAllBytes(streamOf(encode("ab"), encode("c")))).toEqual(encode("abc"));
    expect(await readAllBytes(() => streamOf(encode("lazy")))).toEqual(encode("lazy"));
    expect(await readAllBytes(streamOf())).toEqual(new Uint8Array(0));
  });

  it("refuses to buffer more than the limit, cancelling the stream", async () => {
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1000));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(readAllBytes(endless, 4096)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(cancelled).toBe(true);
    await expect(readAllBytes(new Uint8Array(10), 5)).rejects.toThrow(/larger than the 5 bytes/);
  });

  it("discards unread stream bodies and ignores the rest", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    await discardBody(body);
    await discardBody(encode("in memory"));
    await discardBody(undefined);
    expect(cancelled).toBe(true);
  });
});

describe("compression", () => {
  it("gzips and gunzips streams, and recognises gzip data", async () => {
    const gz = await readAllBytes(gzipStream(streamOf(encode("round trip"))));
    expect(looksGzipped(gz)).toBe(true);
    expect(looksGzipped(encode("plain"))).toBe(false);
    expect(new TextDecoder().decode(await readAllBytes(gunzipStream(streamOf(gz))))).toBe("round trip");
  });
});
