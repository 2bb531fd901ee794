/**
 * Unpacks a downloaded directory dependency onto disk through core's extract policy (security
 * principle 1): nothing is written outside `dest`, through a link, or over an earlier member;
 * devices and FIFOs are refused. Files are created with O_EXCL, so not even a link planted in
 * between could redirect a write.
 */
import { chmod, link, mkdir, open, symlink, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { discardBody } from "@codalab/core/archive/entry-body";
import { ExtractPolicy } from "@codalab/core/archive/extract-policy";
import { readTar } from "@codalab/core/archive/tar-reader";

export type UnpackOptions = { signal?: AbortSignal; onBytes?: (bytes: number) => void };

/** Returns the bytes of file data written. `dest` must not exist yet. */
export async function unpackTar(source: ReadableStream<Uint8Array>, dest: string, options: UnpackOptions = {}) {
  await mkdir(dest);
  const policy = new ExtractPolicy();
  const directories: { path: string; mode: number; mtime: number }[] = [];
  let written = 0;
  for await (const entry of readTar(source)) {
    options.signal?.throwIfAborted();
    const admission = policy.admit(entry);
    const { header, path } = entry;
    if (admission.action === "skip") {
      await discardBody(entry.body);
      continue;
    }
    const target = join(dest, path);
    await mkdir(dirname(target), { recursive: true });
    if (admission.action === "hardlink") {
      await link(join(dest, admission.target), target);
      continue;
    }
    switch (header.type) {
      case "directory":
        await mkdir(target, { recursive: true });
        // Modes are applied last: a read-only directory must still receive its children.
        directories.push({ path: target, mode: header.mode & 0o777, mtime: header.mtime });
        break;
      case "symlink":
        await symlink(header.linkTarget, target);
        break;
      case "file": {
        const handle = await open(target, "wx", header.mode & 0o777);
        try {
          for await (const chunk of entry.body) {
            options.signal?.throwIfAborted();
            await handle.write(chunk);
            written += chunk.byteLength;
            options.onBytes?.(written);
          }
        } finally {
          await handle.close();
        }
        await utimes(target, header.mtime, header.mtime);
        break;
      }
      default:
        await discardBody(entry.body);
    }
  }
  directories.sort((a, b) => b.path.length - a.path.length);
  for (const directory of directories) {
    await chmod(directory.path, directory.mode | 0o500);
    await utimes(directory.path, directory.mtime, directory.mtime);
  }
  return written;
}
