/**
 * Every user-supplied path inside a bundle (target subpaths, archive members, dependency keys,
 * `cl write` names) goes through `normalizeSubpath` so it can never escape its bundle
 * (security principle 1). The result is a relative POSIX path without `.`/`..` segments;
 * "" means the bundle root.
 */
import { CodalabError } from "../errors.ts";

const FORBIDDEN_CHARS = /[\0\n\r]/;

export function normalizeSubpath(path: string, what = "path"): string {
  if (FORBIDDEN_CHARS.test(path)) {
    throw new CodalabError("INVALID_PATH", `${what} may not contain NUL or newline characters`);
  }
  if (path.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(path)) {
    throw new CodalabError("INVALID_PATH", `${what} must be relative to the bundle: ${JSON.stringify(path)}`);
  }
  const parts: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      throw new CodalabError("INVALID_PATH", `${what} may not contain '..': ${JSON.stringify(path)}`);
    }
    parts.push(segment);
  }
  return parts.join("/");
}

/** Separator-aware containment: is `path` equal to `root` or inside it? Both normalized. */
export function isWithin(root: string, path: string): boolean {
  if (root === "") return true;
  return path === root || path.startsWith(`${root}/`);
}

/**
 * Resolves a symlink target found at `linkPath` (both relative to the bundle root) and returns the
 * normalized bundle-relative path it points to, or null when it points outside the bundle
 * (absolute targets, or `..` climbing above the root).
 */
export function resolveLinkInBundle(linkPath: string, target: string): string | null {
  if (target.startsWith("/")) return null;
  const parts = linkPath.split("/").slice(0, -1);
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return parts.join("/");
}

/** Last path component ("" for the root). */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const index = trimmed.lastIndexOf("/");
  return index === -1 ? trimmed : trimmed.slice(index + 1);
}
