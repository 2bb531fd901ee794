/**
 * Printing a bundle's file as it is written: `contents/blob/<path>?follow=1&offset=N` keeps the
 * answer open and sends bytes as the run writes them (from its worker, then the rest from the
 * store). An answer that ends while the bundle is not final yet (cut by a proxy, or after the
 * server's 30 minutes) or that breaks is asked for again from the byte reached, so nothing is lost
 * or printed twice.
 */
import { FINAL_STATES } from "@codalab/core/constants";
import type { ApiClient } from "../api/api-client.ts";
import { contentsPath, fetchBundle } from "../bundles/resolve-bundles.ts";
import { CodalabError } from "../core-light.ts";
import { isPassing, pause, RETRY_PAUSES_MS } from "./watch-bundle.ts";

export type FollowFileOptions = {
  /** Where to start, in bytes. */
  offset: number;
  write: (bytes: Uint8Array) => Promise<void>;
  signal?: AbortSignal;
};

/** Copies one answer's bytes; returns how many arrived (also when the answer broke midway). */
async function copy(
  body: ReadableStream<Uint8Array>,
  write: (bytes: Uint8Array) => Promise<void>,
  signal: AbortSignal | undefined,
  counted: (bytes: number) => void,
): Promise<void> {
  const reader = body.getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await write(value);
      counted(value.byteLength);
    }
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}

/**
 * Resolves once the file is complete (the bundle is final and every byte was written), or at
 * once when the bundle ended without ever writing it.
 */
export async function followFile(client: ApiClient, uuid: string, path: string, options: FollowFileOptions) {
  let position = options.offset;
  let failures = 0;
  const blob = contentsPath(uuid, "blob", path);
  for (;;) {
    if (options.signal?.aborted) return;
    try {
      const response = await client.open("GET", blob, { query: { follow: 1, offset: position } });
      if (response.body !== null) {
        await copy(response.body, options.write, options.signal, (bytes) => {
          position += bytes;
          failures = 0;
        });
      }
      if (options.signal?.aborted) return;
      // The answer ends when the file is complete, or when it was cut: only the state tells which.
      if (FINAL_STATES.includes((await fetchBundle(client, uuid)).state)) return;
    } catch (error) {
      // A final bundle without the file (a run that failed before writing it): nothing to print.
      if (error instanceof CodalabError && error.code === "NOT_FOUND") return;
      const wait = RETRY_PAUSES_MS[failures];
      if (!isPassing(error) || wait === undefined || options.signal?.aborted) throw error;
      failures++;
      await pause(wait, options.signal);
    }
  }
}
