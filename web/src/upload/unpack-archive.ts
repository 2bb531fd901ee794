/**
 * An archive file unpacked in the page before upload, as `cl upload` does without `--pack`
 * (cli/src/upload/archive-source.ts): a tar, tar.gz or zip becomes our tar and its index through
 * core's `normalizeArchive`, so the server's safety rules (no `..`, no links out, no devices)
 * apply before anything is sent; a `.gz` becomes the file it compresses (DecompressionStream).
 * Like the CLI, a dry pass reads the whole archive first: the server plans the parts from the
 * exact size, and a broken archive is refused before a bundle exists. Loaded on demand: only
 * uploads of archives need this code.
 */
import { type ArchiveFormat, isBzip2 } from "@codalab/core/archive/archive-format";
import type { BundleIndex } from "@codalab/core/archive/bundle-index";
import { gunzipStream } from "@codalab/core/archive/compression";
import { normalizeArchive } from "@codalab/core/archive/extract-policy";
import { type ArchiveEntry, readTar } from "@codalab/core/archive/tar-reader";
import { readZip } from "@codalab/core/archive/zip-reader";
import { CodalabError } from "@codalab/core/errors";
import type { UploadSource } from "./browser-upload.ts";
import { countBytes } from "./pack-folder.ts";

type Produced = { readable: ReadableStream<Uint8Array>; index: Promise<BundleIndex> | null };

/**
 * The unpacked bytes of `file` as an upload source. `onRead` is told how many of the archive's
 * bytes the dry pass has read, to show progress on a large archive.
 */
export async function unpackedSource(
  file: File,
  format: ArchiveFormat,
  onRead: (bytes: number) => void = () => undefined,
): Promise<UploadSource> {
  if (isBzip2(format)) {
    throw new CodalabError(
      "INVALID_ARCHIVE",
      `Cannot unpack ${file.name}: browsers have no bzip2 decoder. Keep it as one file, or upload it with cl upload.`,
    );
  }
  const kind = format === "gz" ? "file" : "directory";
  const produce = (onChunk?: (bytes: number) => void): Produced => {
    if (format === "zip") return normalizeArchive(zipEntries(file, onChunk));
    const raw = onChunk ? counted(file.stream(), onChunk) : file.stream();
    if (format === "gz") return { readable: gunzipStream(raw), index: null };
    return normalizeArchive(readTar(format === "tar.gz" ? gunzipStream(raw) : raw));
  };
  let read = 0;
  const dry = produce((bytes) => {
    read += bytes;
    onRead(read);
  });
  let size: number;
  let index: BundleIndex | null;
  try {
    size = await countBytes(dry.readable);
    index = dry.index === null ? null : await dry.index;
  } catch (error) {
    throw unpackError(file.name, format, error);
  }
  return {
    kind,
    size,
    index,
    open: () => produce().readable,
    fingerprint: ["unpacked", format, file.name, file.size, file.lastModified],
  };
}

/** A zip's directory is at its end, so the archive is read whole (as `cl upload` does). */
async function* zipEntries(file: File, onChunk?: (bytes: number) => void): AsyncGenerator<ArchiveEntry> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  onChunk?.(bytes.byteLength);
  yield* readZip(bytes);
}

function counted(stream: ReadableStream<Uint8Array>, onChunk: (bytes: number) => void): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Core's refusals name the member at fault; the decompressor's complaints only make sense next
 * to the file's name. Either way the user may keep the archive packed instead.
 */
function unpackError(fileName: string, format: ArchiveFormat, error: unknown): CodalabError {
  const keep = "Tick “Keep archive as one file” to upload it as it is.";
  if (error instanceof CodalabError) {
    return new CodalabError(error.code, `Cannot unpack ${fileName}: ${error.message.replace(/\.$/, "")}. ${keep}`);
  }
  if (error instanceof DOMException && error.name === "NotReadableError") {
    return new CodalabError("CONFLICT", `Cannot read ${fileName}: it was changed or moved after it was chosen.`);
  }
  // DecompressionStream's errors are bare TypeErrors ("incorrect header check" at best).
  const detail = error instanceof Error && error.message !== "" ? ` (${error.message})` : "";
  const what = format === "gz" || format === "tar.gz" ? "valid gzip data" : "a valid archive";
  return new CodalabError("INVALID_ARCHIVE", `Cannot unpack ${fileName}: it is not ${what}${detail}. ${keep}`);
}
