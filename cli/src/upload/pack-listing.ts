/**
 * Packs listed members into our tar (core TarWriter) and its index. The same function serves the
 * dry pass, with zero bodies, which yields the exact size and index before anything is read or
 * sent (the server needs the size to plan the parts), and the real pass, which reads the files.
 */
import type { BundleIndex } from "@codalab/core/archive/bundle-index";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { fileStream, readSmallFile, SMALL_FILE_BYTES, zeros } from "./byte-streams.ts";
import type { LocalEntry } from "./local-listing.ts";

export type PackedTar = { readable: ReadableStream<Uint8Array>; index: Promise<BundleIndex> };

/** `withData: false` is the dry pass: every file reads as zeros of its listed size. */
export function packListing(entries: readonly LocalEntry[], options: { withData: boolean }): PackedTar {
  const writer = new TarWriter();
  const index = (async () => {
    try {
      for (const entry of entries) {
        const member = { mode: entry.mode, mtime: entry.mtime };
        if (entry.type === "directory") await writer.addDirectory(entry.path, member);
        else if (entry.type === "symlink") await writer.addSymlink(entry.path, entry.target, member);
        else {
          const { source, size } = entry;
          // One byte more than listed, so a file that grew meanwhile is caught by the writer's size
          // check instead of being cut short; and read buffers sized to the file, not 1 MiB each.
          const body = !options.withData
            ? () => zeros(size)
            : size < SMALL_FILE_BYTES
              ? () => readSmallFile(source, size + 1)
              : () => fileStream(source, 0, size + 1);
          await writer.addFile(entry.path, body, { ...member, size });
        }
      }
      return await writer.finish();
    } catch (error) {
      writer.abort(error);
      throw error;
    }
  })();
  // Whoever reads `readable` sees the same error; this only keeps it from going unhandled.
  index.catch(() => undefined);
  return { readable: writer.readable, index };
}
