/**
 * Writes a stream of unknown length (a tar being assembled, a download) to one object. R2 needs
 * every body's length up front, so the stream is cut into parts of a fixed size held in memory: a
 * stream that ends within the first part is one plain put, anything longer a multipart upload
 * whose parts all have the same size but the last (R2's rule).
 */
import { type BundleStore, exactLength, type StoredPart } from "./bundle-store.ts";

/** 16 MiB: above R2's 5 MiB minimum part, small enough to hold in a Worker's or object's memory. */
export const STREAM_PART_BYTES = 16 * 1024 * 1024;

export type StreamToStoreOptions = {
  partBytes?: number;
  /**
   * A multipart upload of the key that the caller started and recorded (so that an abandon can
   * abort it): the parts go into it, and a stream that fits in one part, stored with a plain put,
   * aborts it. On failure it is left to the caller; one started here is aborted.
   */
  uploadId?: string;
  /** Sees the running total after every chunk; throwing stops the write (a size limit, a quota). */
  check?: (total: number) => void;
};

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return exactLength(new Blob([bytes]).stream(), bytes.byteLength);
}

/** Returns the object's size. On failure nothing is left behind but the caller's multipart upload. */
export async function streamToStore(
  store: BundleStore,
  key: string,
  stream: ReadableStream<Uint8Array>,
  options: StreamToStoreOptions = {},
): Promise<number> {
  const partBytes = options.partBytes ?? STREAM_PART_BYTES;
  const given = options.uploadId ?? null;
  const reader = stream.getReader();
  let part = new Uint8Array(partBytes);
  let filled = 0;
  let total = 0;
  let uploadId = given;
  const parts: StoredPart[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      options.check?.(total);
      let offset = 0;
      while (offset < value.byteLength) {
        const take = Math.min(partBytes - filled, value.byteLength - offset);
        part.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === partBytes) {
          uploadId ??= await store.startMultipart(key);
          parts.push(await store.uploadPart(key, uploadId, parts.length + 1, bytesStream(part)));
          part = new Uint8Array(partBytes);
          filled = 0;
        }
      }
    }
    if (parts.length === 0) {
      const written = await store.put(key, part.subarray(0, filled));
      if (uploadId !== null) await store.abortMultipart(key, uploadId);
      return written.size;
    }
    if (filled > 0)
      parts.push(
        await store.uploadPart(key, uploadId as string, parts.length + 1, bytesStream(part.subarray(0, filled))),
      );
    return await store.completeMultipart(key, uploadId as string, parts);
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    if (uploadId !== null && uploadId !== given) await store.abortMultipart(key, uploadId);
    throw error;
  }
}
