/**
 * Streaming tar parser: turns a byte stream into members without buffering their data. Each
 * member's body is a stream of views into the input chunks; a body the consumer does not read is
 * skipped when iteration moves on, so callers may ignore members freely.
 */
import { CodalabError } from "../errors.ts";
import { ChunkReader } from "./chunk-reader.ts";
import type { EntryBody } from "./entry-body.ts";
import { normalizeMemberPath } from "./member-path.ts";
import {
  applyExtension,
  BLOCK_SIZE,
  decodeTarBlock,
  finishHeader,
  type HeaderExtensions,
  isExtensionTypeflag,
  MAX_EXTENSION_BYTES,
  paddingFor,
  type TarBlock,
  type TarHeader,
} from "./tar-header.ts";

/** The member shape every archive reader yields and the extract policy consumes. */
export type ArchiveEntry = {
  header: TarHeader;
  /** Normalized bundle-relative path ("" for the root), see `normalizeMemberPath`. */
  path: string;
  body: EntryBody;
};

export type TarEntry = ArchiveEntry & {
  /** Archive offset of the member's first header block (its pax or GNU header, if any). */
  headerOffset: number;
  /** Archive offset of the member's data. */
  offset: number;
  body: ReadableStream<Uint8Array>;
};

/** Shared because every ignored body gets it: building an Error per member costs a stack trace each. */
const READ_AFTER_MOVING_ON = new CodalabError(
  "INTERNAL",
  "an archive member's body was read after the reader moved on",
);

function truncated(position: number): CodalabError {
  return new CodalabError("INVALID_ARCHIVE", `the archive is truncated (ended at byte ${position})`);
}

/**
 * Yields the members of an uncompressed tar stream (pass a .tar.gz through `gunzipStream`
 * first). Member paths are normalized; an unsafe path (absolute,
 * `..`) throws INVALID_ARCHIVE naming the member. Consume or ignore each body before asking for
 * the next member; reading it later fails.
 */
export async function* readTar(source: ReadableStream<Uint8Array>): AsyncGenerator<TarEntry, void, undefined> {
  const input = new ChunkReader(source);
  try {
    for (;;) {
      const headerOffset = input.position;
      const extensions: HeaderExtensions = {};
      let pendingExtension = false;
      let block: TarBlock | null;
      for (;;) {
        const position = input.position;
        const bytes = await input.readExact(BLOCK_SIZE);
        if (bytes.byteLength === 0 && !pendingExtension) {
          throw new CodalabError(
            "INVALID_ARCHIVE",
            position === 0
              ? "the archive is empty (not even an end-of-archive marker)"
              : `the archive ends without an end-of-archive marker at byte ${position} (truncated?)`,
          );
        }
        if (bytes.byteLength < BLOCK_SIZE) throw truncated(input.position);
        block = decodeTarBlock(bytes, position);
        if (block === null) {
          if (pendingExtension)
            throw new CodalabError("INVALID_ARCHIVE", `extension header without a member at byte ${position}`);
          // One zero block is enough; whatever follows (the second block, record padding) is ignored.
          return;
        }
        if (!isExtensionTypeflag(block.typeflag)) break;
        if (block.size > MAX_EXTENSION_BYTES) {
          throw new CodalabError(
            "INVALID_ARCHIVE",
            `extension header larger than ${MAX_EXTENSION_BYTES} bytes at byte ${position}`,
          );
        }
        const data = await input.readExact(block.size);
        if (data.byteLength < block.size) throw truncated(input.position);
        applyExtension(extensions, block.typeflag, data, position);
        if ((await input.skip(paddingFor(block.size))) < paddingFor(block.size)) throw truncated(input.position);
        // A global header describes the archive, not the next member, so it may precede the end.
        if (block.typeflag !== "g") pendingExtension = true;
      }
      const header = finishHeader(block, extensions);
      const path = normalizeMemberPath(header.name);
      const offset = input.position;
      const body = memberBody(input, header.size);
      yield { header, path, headerOffset, offset, body: body.stream };
      await body.finish();
      const padding = paddingFor(header.size);
      if ((await input.skip(padding)) < padding) throw truncated(input.position);
    }
  } finally {
    // Done early (end marker, error, or a consumer that stopped iterating): the rest is not needed.
    await input.cancel().catch(() => undefined);
    input.release();
  }
}

function memberBody(input: ChunkReader, size: number) {
  let remaining = size;
  let settled = false;
  let inFlight: Promise<void> = Promise.resolve();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull(c) {
        inFlight = (async () => {
          if (remaining > 0) {
            const piece = await input.readSome(remaining);
            if (piece === null) throw truncated(input.position);
            remaining -= piece.byteLength;
            c.enqueue(piece);
          }
          if (remaining === 0) {
            settled = true;
            c.close();
          }
        })();
        return inFlight;
      },
    },
    // Nothing is read ahead: data leaves the archive only when the consumer asks for it.
    { highWaterMark: 0 },
  );
  return {
    stream,
    async finish(): Promise<void> {
      await inFlight.catch(() => undefined);
      if (remaining > 0) {
        const skipped = await input.skip(remaining);
        if (skipped < remaining) throw truncated(input.position);
        remaining = 0;
        if (!settled) {
          controller?.error(READ_AFTER_MOVING_ON);
        }
      } else if (!settled) {
        settled = true;
        try {
          controller?.close();
        } catch {
          // The consumer cancelled the body; nothing to close.
        }
      }
    },
  };
}
