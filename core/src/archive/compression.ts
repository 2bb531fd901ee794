/**
 * gzip and raw deflate over web streams (CompressionStream exists in Node, workerd and browsers).
 * TypeScript's DOM lib types their input as `BufferSource`, which excludes views that might be
 * backed by shared memory; byte streams never carry those, so the one cast lives here.
 */
type BytePair = ReadableWritablePair<Uint8Array, Uint8Array>;

export function gzipStream(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new CompressionStream("gzip") as BytePair);
}

export function gunzipStream(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new DecompressionStream("gzip") as BytePair);
}

export function inflateRawStream(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new DecompressionStream("deflate-raw") as BytePair);
}

/** Whether bytes start like a gzip stream (magic 1f 8b, method deflate). */
export function looksGzipped(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}
