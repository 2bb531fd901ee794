/**
 * A dropped or picked folder → our tar and its index (core's TarWriter, as `cl upload` packs a
 * directory). Packed twice, like the CLI: a dry pass with zero bodies gives the exact size and
 * index before anything is read (the server plans parts from the size); the real pass reads the
 * files. The same entries always give the same bytes, which is what lets an upload resume.
 */
import type { BundleIndex } from "@codalab/core/archive/bundle-index";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import type { FolderEntry } from "./upload-items.ts";

export type PackedFolder = { readable: ReadableStream<Uint8Array>; index: Promise<BundleIndex> };

const ZERO_CHUNK = new Uint8Array(256 * 1024);

function zeros(length: number): Uint8Array | ReadableStream<Uint8Array> {
  if (length <= ZERO_CHUNK.byteLength) return ZERO_CHUNK.subarray(0, length);
  let remaining = length;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(remaining, ZERO_CHUNK.byteLength);
      controller.enqueue(ZERO_CHUNK.subarray(0, size));
      remaining -= size;
      if (remaining === 0) controller.close();
    },
  });
}

function seconds(file: File): number {
  return Math.floor(file.lastModified / 1000);
}

export function packFolder(entries: readonly FolderEntry[], options: { withData: boolean }): PackedFolder {
  const writer = new TarWriter();
  // Browsers do not tell a folder's time; the newest file's keeps the bytes the same on every pass.
  let folderTime = 0;
  for (const entry of entries) if (entry.type === "file") folderTime = Math.max(folderTime, seconds(entry.file));
  const index = (async () => {
    try {
      for (const entry of entries) {
        if (entry.type === "directory") await writer.addDirectory(entry.path, { mtime: folderTime });
        else {
          const { file } = entry;
          await writer.addFile(entry.path, options.withData ? () => file.stream() : () => zeros(file.size), {
            mtime: seconds(file),
            size: file.size,
          });
        }
      }
      return await writer.finish();
    } catch (error) {
      writer.abort(error);
      throw error;
    }
  })();
  index.catch(() => undefined);
  return { readable: writer.readable, index };
}

/** Reads a stream to its end, counting bytes: the dry pass's size. */
export async function countBytes(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}
