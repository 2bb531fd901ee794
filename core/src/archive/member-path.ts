/**
 * Archive member names, normalized the way `normalizeSubpath` normalizes target subpaths
 * (security principle 1), with one difference: newlines and carriage returns are legal in file
 * names and must round-trip through upload and download (security-cases.md), so only NUL is
 * refused here. Limits follow Linux (NAME_MAX 255 bytes, PATH_MAX 4096 bytes with its NUL) so
 * that a bundle accepted here can always be unpacked on a runner's disk.
 */
import { CodalabError } from "../errors.ts";

export const MAX_MEMBER_NAME_BYTES = 255;
export const MAX_MEMBER_PATH_BYTES = 4095;

const encoder = new TextEncoder();

/**
 * Returns the member's bundle-relative path without `.`, empty segments or a trailing `/`
 * ("" is the bundle root), or throws INVALID_ARCHIVE naming the member.
 */
export function normalizeMemberPath(name: string): string {
  const refuse = (why: string) => new CodalabError("INVALID_ARCHIVE", `archive member ${JSON.stringify(name)}: ${why}`);
  if (name.includes("\0")) throw refuse("names may not contain NUL characters");
  if (name.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(name)) throw refuse("absolute paths are not allowed");
  const parts: string[] = [];
  for (const segment of name.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") throw refuse("'..' is not allowed (it would escape the bundle)");
    // A UTF-8 code unit is at most 3 bytes, so short strings need no encoding to be checked.
    if (segment.length * 3 > MAX_MEMBER_NAME_BYTES && utf8Length(segment) > MAX_MEMBER_NAME_BYTES) {
      throw refuse(`a path component is longer than ${MAX_MEMBER_NAME_BYTES} bytes`);
    }
    parts.push(segment);
  }
  const path = parts.join("/");
  if (path.length * 3 > MAX_MEMBER_PATH_BYTES && utf8Length(path) > MAX_MEMBER_PATH_BYTES) {
    throw refuse(`the path is longer than ${MAX_MEMBER_PATH_BYTES} bytes`);
  }
  return path;
}

/** Parent directory of a normalized path ("" for top-level members and the root). */
export function parentPath(path: string): string {
  const index = path.lastIndexOf("/");
  return index === -1 ? "" : path.slice(0, index);
}

export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}
