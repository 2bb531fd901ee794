/**
 * Lists local paths into the members of a bundle, in a fixed order (names sorted at every level)
 * so that listing the same unchanged tree twice gives the same members, hence the same tar bytes:
 * what lets an interrupted upload resume part by part.
 *
 * Symlinks inside directories are kept as links (their target verbatim) unless `followSymlinks`;
 * a symlink given as a path to upload is refused unless `followSymlinks`, as in CodaLab. Sockets,
 * FIFOs and devices cannot be stored and are skipped with a warning.
 *
 * The walk uses blocking calls: an asynchronous lstat is a round trip through libuv's thread pool
 * that costs tens of times the call itself, which made listing 20 000 files take seconds.
 */
import { type Dirent, lstatSync, readdirSync, readlinkSync, realpathSync, type Stats, statSync } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { join } from "node:path";
import { compileGlob, type GlobMatcher } from "@codalab/core/archive/glob";
import { CliError } from "../errors/cli-error.ts";

export type LocalEntry =
  | { path: string; type: "directory"; mode: number; mtime: number; stamp: string }
  | { path: string; type: "file"; mode: number; mtime: number; size: number; source: string; stamp: string }
  | { path: string; type: "symlink"; mode: number; mtime: number; target: string; stamp: string };

export type ListingOptions = {
  followSymlinks: boolean;
  /** `-x` patterns: without `/` they match any name along the path, with `/` the whole path. */
  exclude: readonly string[];
  /** Told about skipped special files. */
  warn(message: string): void;
};

export type Exclusions = (path: string, name: string) => boolean;

export function compileExclusions(patterns: readonly string[]): Exclusions {
  const names: GlobMatcher[] = [];
  const paths: GlobMatcher[] = [];
  for (const pattern of patterns) {
    if (pattern.includes("/")) paths.push(compileGlob(pattern.replace(/^\/+|\/+$/g, "")));
    else names.push(compileGlob(pattern));
  }
  // Ancestors were tested when the walk reached them, so each entry only tests its own name and path.
  return (path, name) => names.some((match) => match(name)) || paths.some((match) => match(path));
}

/** What `cl upload <path>` found at a path it was given. */
export type SourceKind = "file" | "directory";

/**
 * Checks a path given on the command line: it must exist, and may only be a symlink with
 * `followSymlinks`. Returns what it is (after following a link).
 */
export async function inspectSource(
  path: string,
  followSymlinks: boolean,
): Promise<{ kind: SourceKind; stats: Stats }> {
  let linkStats: Stats;
  try {
    linkStats = await lstat(path);
  } catch (error) {
    throw missingPath(path, error);
  }
  let stats = linkStats;
  if (linkStats.isSymbolicLink()) {
    if (!followSymlinks) {
      throw new CliError("BAD_REQUEST", `${path} is a symbolic link`, {
        hint: "use -L/--follow-symlinks to upload what it points to",
      });
    }
    try {
      stats = await stat(path);
    } catch (error) {
      throw missingPath(path, error, "is a broken symbolic link");
    }
  }
  if (stats.isDirectory()) return { kind: "directory", stats };
  if (stats.isFile()) return { kind: "file", stats };
  throw new CliError("BAD_REQUEST", `${path} is not a regular file or directory`, {
    hint: "upload files and directories only (sockets, FIFOs and devices cannot be stored)",
  });
}

/**
 * The members under directory `root`, each path prefixed by `prefix` ("" for the bundle root),
 * parents before children.
 */
export function listDirectory(root: string, prefix: string, options: ListingOptions): LocalEntry[] {
  const entries: LocalEntry[] = [];
  const isExcluded = compileExclusions(options.exclude);
  // Real paths of the directories being walked, to refuse a followed link back up into them.
  const ancestors = new Set<string>();
  const walk = (directory: string, relative: string): void => {
    const real = options.followSymlinks ? realpathSync(directory) : directory;
    if (ancestors.has(real)) {
      throw new CliError("BAD_REQUEST", `${directory} is a symbolic link to one of its own parent directories`, {
        hint: "drop -L/--follow-symlinks, or exclude the link with -x",
      });
    }
    ancestors.add(real);
    let children: Dirent[];
    try {
      children = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      throw unreadable(directory, error);
    }
    children.sort((a, b) => compareNames(a.name, b.name));
    for (const child of children) {
      const source = join(directory, child.name);
      const path = relative === "" ? child.name : `${relative}/${child.name}`;
      if (isExcluded(path, child.name)) continue;
      const entry = entryFor(source, path, options);
      if (entry === null) continue;
      entries.push(entry);
      if (entry.type === "directory") walk(source, path);
    }
    ancestors.delete(real);
  };
  walk(root, prefix);
  return entries;
}

/** One path as a member (a top-level path of a multi-path upload, or a child during the walk). */
export function entryFor(source: string, path: string, options: ListingOptions): LocalEntry | null {
  let stats: Stats;
  try {
    stats = lstatSync(source);
  } catch (error) {
    throw unreadable(source, error);
  }
  if (stats.isSymbolicLink()) {
    if (!options.followSymlinks) {
      const target = readlinkSync(source);
      return { path, type: "symlink", mode: 0o777, mtime: seconds(stats), target, stamp: stamp(stats) };
    }
    try {
      stats = statSync(source);
    } catch (error) {
      throw missingPath(source, error, "is a broken symbolic link");
    }
  }
  const mode = stats.mode & 0o777;
  if (stats.isDirectory()) return { path, type: "directory", mode, mtime: seconds(stats), stamp: stamp(stats) };
  if (stats.isFile()) {
    return { path, type: "file", mode, mtime: seconds(stats), size: stats.size, source, stamp: stamp(stats) };
  }
  options.warn(`warning: skipping ${source}: not a regular file, directory or symbolic link`);
  return null;
}

/** Code-unit order, the same on every machine (no locale). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seconds(stats: Stats): number {
  return Math.floor(stats.mtimeMs / 1000);
}

/** Changes whenever the file may have: what the resume fingerprint uses beyond size and mtime. */
function stamp(stats: Stats): string {
  return `${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

export function missingPath(path: string, error: unknown, what = "does not exist"): CliError {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "ENOENT" || code === "ENOTDIR") return new CliError("NOT_FOUND", `${path} ${what}`);
  return unreadable(path, error);
}

function unreadable(path: string, error: unknown): CliError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError("FORBIDDEN", `cannot read ${path}: ${reason}`, {
    hint: "check the path and its permissions",
    cause: error,
  });
}
