/**
 * The data of one archive member, in whichever form its producer has it: a stream (tar and zip
 * readers, files on disk), bytes already in memory, or a function that opens the stream (or reads
 * the bytes) only when the member is actually written (so excluded members never open a file).
 */
import { CodalabError } from "../errors.ts";

export type EntryBody =
  | ReadableStream<Uint8Array>
  | Uint8Array
  | (() => ReadableStream<Uint8Array> | Uint8Array | Promise<ReadableStream<Uint8Array> | Uint8Array>);

export async function openBody(body: EntryBody): Promise<ReadableStream<Uint8Array> | Uint8Array> {
  return typeof body === "function" ? await body() : body;
}

/** Releases a body that will not be read (closing the file or letting the reader skip it). */
export async function discardBody(body: EntryBody | undefined): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel();
}

/**
 * Reads a whole body into one buffer. Meant for small data (link targets, tests); refuses more
 * than `maxBytes` so an archive cannot make us buffer a huge member.
 */
export async function readAllBytes(body: EntryBody, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
  const opened = await openBody(body);
  if (opened instanceof Uint8Array) {
    if (opened.byteLength > maxBytes) throw tooLarge(maxBytes);
    return opened;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = opened.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): CodalabError {
  return new CodalabError("PAYLOAD_TOO_LARGE", `data is larger than the ${maxBytes} bytes allowed here`);
}
