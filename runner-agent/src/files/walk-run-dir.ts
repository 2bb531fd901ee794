/**
 * Lists what a run produced, in the order it goes into the results tar (each directory before its
 * children, names sorted), without following links and without dependency mount points or
 * excluded paths. Sockets, FIFOs and devices cannot be bundled and are skipped.
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { compileGlob, type GlobMatcher } from "@codalab/core/archive/glob";
import { isHiddenPath } from "./run-dir-paths.ts";

export type RunDirMember =
  | { type: "directory"; path: string; mode: number; mtime: number }
  | { type: "file"; path: string; mode: number; mtime: number; size: number }
  | { type: "symlink"; path: string; mode: number; mtime: number; target: string }
  | { type: "hardlink"; path: string; target: string };

export type WalkResult = { members: RunDirMember[]; skipped: string[] };

/**
 * The same rule as `cl upload -x` (core's extract policy): a pattern without `/` matches any path
 * component, one with `/` matches a whole path or a parent of it.
 */
export function excludeMatcher(patterns: readonly string[]): (path: string) => boolean {
  const names: GlobMatcher[] = [];
  const paths: GlobMatcher[] = [];
  for (const pattern of patterns) {
    if (pattern.includes("/")) paths.push(compileGlob(pattern.replace(/^\/+|\/+$/g, "")));
    else names.push(compileGlob(pattern));
  }
  if (names.length === 0 && paths.length === 0) return () => false;
  return (path) => {
    const segments = path.split("/");
    if (names.length > 0 && segments.some((segment) => names.some((match) => match(segment)))) return true;
    for (let end = segments.length; end > 0; end--) {
      const prefix = segments.slice(0, end).join("/");
      if (paths.some((match) => match(prefix))) return true;
    }
    return false;
  };
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export async function walkRunDir(
  root: string,
  options: { exclude?: readonly string[]; hidden?: readonly string[] } = {},
): Promise<WalkResult> {
  const excluded = excludeMatcher(options.exclude ?? []);
  const hidden = options.hidden ?? [];
  const members: RunDirMember[] = [];
  const skipped: string[] = [];
  const inodes = new Map<string, string>();

  async function visit(rel: string): Promise<void> {
    const entries = await readdir(rel === "" ? root : join(root, rel), { withFileTypes: true });
    entries.sort(byName);
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (isHiddenPath(path, hidden) || excluded(path)) continue;
      const info = await lstat(join(root, path)).catch(() => null);
      if (info === null) continue;
      const mode = info.mode & 0o777;
      const mtime = Math.floor(info.mtimeMs / 1000);
      if (info.isDirectory()) {
        members.push({ type: "directory", path, mode, mtime });
        await visit(path);
      } else if (info.isSymbolicLink()) {
        const target = await readlink(join(root, path)).catch(() => "");
        if (target === "") skipped.push(path);
        else members.push({ type: "symlink", path, mode, mtime, target });
      } else if (info.isFile()) {
        const inode = `${info.dev}:${info.ino}`;
        const first = info.nlink > 1 ? inodes.get(inode) : undefined;
        if (first !== undefined) {
          members.push({ type: "hardlink", path, target: first });
        } else {
          if (info.nlink > 1) inodes.set(inode, path);
          members.push({ type: "file", path, mode, mtime, size: info.size });
        }
      } else {
        skipped.push(path);
      }
    }
  }

  await visit("");
  return { members, skipped };
}

/**
 * Bytes under the run directory (file sizes and link lengths, as CodaLab's disk accounting),
 * skipping dependency mount points.
 */
export async function measureRunDir(root: string, hidden: readonly string[] = []): Promise<number> {
  let total = 0;
  async function visit(rel: string): Promise<void> {
    const entries = await readdir(rel === "" ? root : join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (isHiddenPath(path, hidden)) continue;
      if (entry.isDirectory()) {
        await visit(path);
        continue;
      }
      const info = await lstat(join(root, path)).catch(() => null);
      if (info !== null && (info.isFile() || info.isSymbolicLink())) total += info.size;
    }
  }
  await visit("");
  return total;
}
