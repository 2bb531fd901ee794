/**
 * Unpacks a downloaded directory (a tar stream from the server) into a fresh, empty directory.
 * The server's tar is not trusted: member paths go through core's `readTar` normalization (no
 * absolute paths, no `..`) and its `ExtractPolicy` (nothing written through a symlink or inside a
 * file, no duplicates, no device files), and every file is created with O_EXCL | O_NOFOLLOW, so
 * nothing outside `directory` is ever written. Symlinks are recreated as they are, whatever they
 * point to (a bundle may hold a link to /etc/passwd): they are never followed here.
 */
import { constants } from "node:fs";
import { chmod, link, lutimes, mkdir, open, symlink, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ExtractPolicy } from "@codalab/core/archive/extract-policy";
import { readTar } from "@codalab/core/archive/tar-reader";

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export async function extractTar(stream: ReadableStream<Uint8Array>, directory: string): Promise<void> {
  const policy = new ExtractPolicy({ keepSymlinks: true });
  const directories: { path: string; mode: number; mtime: number }[] = [];
  for await (const entry of readTar(stream)) {
    const { header, path } = entry;
    // Where a link points does not matter here (it is never followed), only where it sits: the
    // policy checks the latter, and would refuse a link leaving the bundle, so it sees a harmless target.
    const admission = policy.admit(
      header.type === "symlink" ? { path, header: { ...header, linkTarget: "." } } : entry,
    );
    if (admission.action === "skip") continue;
    const local = join(directory, path);
    await mkdir(dirname(local), { recursive: true });
    const mode = header.mode & 0o777;
    if (admission.action === "hardlink") {
      await link(join(directory, admission.target), local);
    } else if (header.type === "directory") {
      await mkdir(local, { recursive: true });
      directories.push({ path: local, mode, mtime: header.mtime });
    } else if (header.type === "symlink") {
      await symlink(header.linkTarget, local);
      await lutimes(local, header.mtime, header.mtime).catch(() => undefined);
    } else {
      await writeNewFile(local, entry.body);
      await chmod(local, mode);
      await utimes(local, header.mtime, header.mtime);
    }
  }
  // Last, and deepest first: a read-only directory could not have been filled, and filling a
  // directory changes its mtime.
  for (const { path, mode, mtime } of directories.reverse()) {
    await chmod(path, mode);
    await utimes(path, mtime, mtime);
  }
}

async function writeNewFile(path: string, body: ReadableStream<Uint8Array>): Promise<void> {
  const handle = await open(path, CREATE_NEW, 0o600);
  try {
    for await (const chunk of body) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
