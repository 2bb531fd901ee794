/**
 * Shell-style glob patterns for exclusions (`cl upload -x`): `*` and `?` stay within one path
 * segment, `**` crosses segments, `[abc]`, `[a-z]`, `[!x]` / `[^x]` are classes and `\` quotes
 * the next character. Like tar's `--exclude`, a leading `*` also matches dot files.
 */
import { CodalabError } from "../errors.ts";

export type GlobMatcher = (text: string) => boolean;

export function compileGlob(pattern: string): GlobMatcher {
  let regex: RegExp;
  try {
    regex = new RegExp(`^${globToRegexSource(pattern)}$`, "su");
  } catch {
    // Only a class range written backwards (`[z-a]`) gets here.
    throw new CodalabError("BAD_REQUEST", `invalid glob pattern ${JSON.stringify(pattern)}`);
  }
  return (text) => regex.test(text);
}

export function globMatch(pattern: string, text: string): boolean {
  return compileGlob(pattern)(text);
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** Unicode-mode regexes only accept escapes of syntax characters (and `-` inside classes). */
function escapeRegex(text: string, inClass = false): string {
  const escaped = text.replace(REGEX_SYNTAX, "\\$&");
  return inClass && escaped === "-" ? "\\-" : escaped;
}

function globToRegexSource(pattern: string): string {
  const chars = Array.from(pattern);
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? "";
    if (char === "\\") {
      i++;
      out += escapeRegex(chars[i] ?? "\\");
    } else if (char === "*") {
      if (chars[i + 1] === "*") {
        i++;
        // "**/" also matches no directory at all, so "**/x" matches "x".
        if (chars[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else {
          out += ".*";
        }
      } else {
        out += "[^/]*";
      }
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "[") {
      const end = classEnd(chars, i);
      if (end === -1) {
        out += "\\[";
      } else {
        out += classSource(chars.slice(i + 1, end));
        i = end;
      }
    } else {
      out += escapeRegex(char);
    }
  }
  return out;
}

/** Index of the `]` closing a class opened at `start`, or -1 (then `[` is literal). */
function classEnd(chars: string[], start: number): number {
  let i = start + 1;
  if (chars[i] === "!" || chars[i] === "^") i++;
  // A `]` right after the opening (or its negation) is a member, not the end.
  if (chars[i] === "]") i++;
  for (; i < chars.length; i++) {
    if (chars[i] === "\\") i++;
    else if (chars[i] === "]") return i;
  }
  return -1;
}

function classSource(members: string[]): string {
  let negate = false;
  let start = 0;
  if (members[0] === "!" || members[0] === "^") {
    negate = true;
    start = 1;
  }
  let body = "";
  for (let i = start; i < members.length; i++) {
    const char = members[i] ?? "";
    if (char === "\\") {
      i++;
      body += escapeRegex(members[i] ?? "\\", true);
    } else if (char === "-" && i > start && i < members.length - 1) {
      body += "-";
    } else {
      body += escapeRegex(char, true);
    }
  }
  // Classes never match the separator, like `*` and `?`.
  return negate ? `[^/${body}]` : `(?!/)[${body}]`;
}
