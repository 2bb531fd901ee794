/**
 * Uploads a run's directory as a directory bundle through the resumable multipart API
 * (docs/design/bundles-api.md): announce the size, PUT each part with its length (a few at once),
 * then complete with the index. Parts the server already has (an upload interrupted by a runner
 * restart) are skipped: the same files give the same bytes. Transient failures of a part are
 * retried with back-off; a refusal ends the upload with the server's message.
 */
import { CodalabError } from "@codalab/core/errors";
import { z } from "zod";
import { isTransient } from "../api/http-errors.ts";
import type { ServerApi } from "../api/server-api.ts";
import type { RunDirMember } from "../files/walk-run-dir.ts";
import { newResultsWriter, packRunDir, predictTarSize } from "./results-tar.ts";

const UploadStatusSchema = z.object({
  part_size: z.number().int().positive(),
  part_count: z.number().int().nonnegative(),
  received: z.array(z.number().int().positive()).default([]),
});

export type UploadOptions = {
  api: ServerApi;
  uuid: string;
  root: string;
  members: readonly RunDirMember[];
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
  concurrency?: number;
  /** Attempts per part on transient errors. */
  attempts?: number;
  retryDelayMs?: number;
};

export type UploadResult = { tarSize: number; partsSent: number; partsSkipped: number };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export async function uploadRunResults(options: UploadOptions): Promise<UploadResult> {
  const { api, uuid, signal } = options;
  const base = `/rest/bundles/${uuid}/upload`;
  const size = predictTarSize(options.members);
  const status = UploadStatusSchema.safeParse(
    await api.json("POST", base, { json: { kind: "directory", size }, signal }),
  );
  if (!status.success) throw new CodalabError("INTERNAL", `POST ${base} answered with an unexpected body`);
  const { part_size: partSize, received } = status.data;
  const have = new Set(received);
  const attempts = options.attempts ?? 8;
  const retryDelayMs = options.retryDelayMs ?? 2000;
  const concurrency = options.concurrency ?? 2;

  const writer = newResultsWriter();
  const packing = packRunDir(writer, options.root, options.members, { expectedSize: size });
  packing.catch(() => undefined);

  let sent = 0;
  let partsSent = 0;
  let partsSkipped = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const putPart = async (number: number, bytes: Uint8Array) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await api.request("PUT", `${base}/parts/${number}`, {
          body: bytes,
          // fetch sets Content-Length itself for a body of known length (R2 needs one).
          headers: { "content-type": "application/octet-stream" },
          signal,
        });
        break;
      } catch (error) {
        if (signal?.aborted || !isTransient(error) || attempt >= attempts) throw error;
        await sleep(Math.min(retryDelayMs * 2 ** (attempt - 1), 60_000), signal);
      }
    }
    partsSent++;
    sent += bytes.byteLength;
    options.onProgress?.(sent, size);
  };

  const schedule = async (number: number, bytes: Uint8Array) => {
    if (have.has(number)) {
      partsSkipped++;
      sent += bytes.byteLength;
      options.onProgress?.(sent, size);
      return;
    }
    const task = putPart(number, bytes).catch((error: unknown) => {
      failure ??= error;
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
  };

  const reader = writer.readable.getReader();
  let part = new Uint8Array(partSize);
  let filled = 0;
  let number = 1;
  try {
    for (;;) {
      if (failure !== undefined) throw failure;
      if (signal?.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.byteLength) {
        const take = Math.min(partSize - filled, value.byteLength - offset);
        part.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === partSize) {
          await schedule(number++, part);
          part = new Uint8Array(partSize);
          filled = 0;
        }
      }
    }
    if (filled > 0) await schedule(number++, part.subarray(0, filled));
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  } catch (error) {
    writer.abort(error);
    await reader.cancel(error).catch(() => undefined);
    await Promise.allSettled(inFlight);
    throw error;
  }
  const index = await packing;
  await api.json("POST", `${base}/complete`, { json: { index }, signal });
  return { tarSize: size, partsSent, partsSkipped };
}
