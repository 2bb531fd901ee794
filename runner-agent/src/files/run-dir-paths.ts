/**
 * Path safety inside a run's directory (security principle 1), where a running container may
 * create any file, link or race at will. Paths are normalized with core's `normalizeSubpath`;
 * every component but the last must be a real directory (a symlink there ends the lookup), and a
 * file is opened with O_NOFOLLOW and then checked through /proc/self/fd to really be inside the
 * directory, which closes the window between checking a path and opening it.
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open, readlink, realpath } from "node:fs/promises";
import { join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import { isWithin, normalizeSubpath } from "@codalab/core/paths/safe-path";

export function normalizeRunPath(path: string, what = "path"): string {
  return normalizeSubpath(path, what);
}

/** Is `rel` a dependency mount point or inside one? (Ancestors of mount points are not.) */
export function isHiddenPath(rel: string, hidden: readonly string[]): boolean {
  return hidden.some((mount) => isWithin(mount, rel));
}

/** lstat of a normalized path, or null when it does not exist or a parent is not a real directory. */
export async function lstatInside(root: string, rel: string): Promise<Stats | null> {
  if (rel === "") return lstat(root).catch(() => null);
  const parts = rel.split("/");
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    current = join(current, parts[i] ?? "");
    const info = await lstat(current).catch(() => null);
    if (info === null) return null;
    if (i < parts.length - 1 && !info.isDirectory()) return null;
    if (i === parts.length - 1) return info;
  }
  return null;
}

let procFdWorks: boolean | undefined;

/** Where an open file really is, when the system can tell (Linux /proc). */
async function openedPath(handle: FileHandle): Promise<string | null> {
  if (procFdWorks === false) return null;
  try {
    const path = await readlink(`/proc/self/fd/${handle.fd}`);
    procFdWorks = true;
    return path;
  } catch {
    procFdWorks = false;
    return null;
  }
}

/**
 * Opens a file inside the run directory without following links: the last component with
 * O_NOFOLLOW, the others checked before and verified after. Throws INVALID_PATH when the opened
 * file is not where it should be.
 */
export async function openInside(root: string, rel: string, flags: number, mode = 0o644): Promise<FileHandle> {
  const realRoot = await realpath(root);
  const handle = await open(join(root, rel), flags | constants.O_NOFOLLOW, mode);
  try {
    const actual = await openedPath(handle);
    if (actual !== null && actual !== join(realRoot, rel)) {
      throw new CodalabError("INVALID_PATH", `${JSON.stringify(rel)} is not inside the run's directory`);
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Checks that a directory's real location is where its path says (no link on the way). */
export async function assertRealDirectory(root: string, rel: string): Promise<void> {
  const realRoot = await realpath(root);
  const actual = await realpath(join(root, rel));
  if (actual !== (rel === "" ? realRoot : join(realRoot, rel))) {
    throw new CodalabError("INVALID_PATH", `${JSON.stringify(rel)} is not inside the run's directory`);
  }
}
