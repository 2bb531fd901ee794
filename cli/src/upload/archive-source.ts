/**
 * Archives given to `cl upload` without `--pack`: `.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`/`.tbz2` and
 * `.zip` become directory bundles, re-encoded through core's `normalizeArchive` (so the same
 * safety rules apply as on the server, and `-x` works inside archives); `.gz` and `.bz2` become
 * the single file they compress. bzip2 has no web-stream decoder, so the system's `bzip2 -dc`
 * does that part.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { type ArchiveFormat, isBzip2 } from "@codalab/core/archive/archive-format";
import { gunzipStream } from "@codalab/core/archive/compression";
import { normalizeArchive } from "@codalab/core/archive/extract-policy";
import { readTar } from "@codalab/core/archive/tar-reader";
import { readZip } from "@codalab/core/archive/zip-reader";
import { CliError } from "../errors/cli-error.ts";
import { fileStream } from "./byte-streams.ts";
import type { PackedTar } from "./pack-listing.ts";

/** A directory archive, re-encoded as our tar + index. Call again for a second pass. */
export function openArchiveAsTar(path: string, format: ArchiveFormat, exclude: readonly string[]): PackedTar {
  const entries = format === "zip" ? zipEntries(path) : readTar(decompressed(path, format));
  return normalizeArchive(entries, { exclude });
}

/** The bytes a `.gz` or `.bz2` file compresses. */
export function openCompressedFile(path: string, format: ArchiveFormat): ReadableStream<Uint8Array> {
  return decompressed(path, format);
}

function decompressed(path: string, format: ArchiveFormat): ReadableStream<Uint8Array> {
  if (format === "tar.gz" || format === "gz") return gunzipStream(fileStream(path));
  if (isBzip2(format)) return bunzip2(path);
  return fileStream(path);
}

/** readZip needs the whole archive (its directory is at the end), so a zip is read into memory. */
async function* zipEntries(path: string) {
  const bytes = await readFile(path);
  yield* readZip(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function bunzip2(path: string): ReadableStream<Uint8Array> {
  const child = spawn("bzip2", ["-dc", "--", path], { stdio: ["ignore", "pipe", "pipe"] });
  let complaint = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    complaint += text;
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new CliError("UNAVAILABLE", `cannot unpack ${path}: the bzip2 program is not installed`, {
              hint: "install bzip2, or upload with -p/--pack to keep the archive packed",
            })
          : error,
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new CliError("INVALID_ARCHIVE", `cannot unpack ${path}: ${complaint.trim() || `bzip2 exited with ${code}`}`),
        );
    });
  });
  exited.catch(() => undefined);
  // Typed as the web platform stream: this file is also type-checked with the DOM library (web terminal).
  const output = Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>;
  // The stream ends only once bzip2 has exited well, so a corrupt archive cannot pass for a short one.
  return output.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => exited }));
}
