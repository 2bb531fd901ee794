/**
 * Default bundle names the CLI derives when `-n` is not given (spec §2.1), and the name rule.
 * Mirrors CodaLab's `create_default_name` and `MetadataDefaults.get_default_name`.
 */
import { NAME_REGEX, NAME_RULE_TEXT } from "../constants.ts";
import { CodalabError } from "../errors.ts";
import { keyColonIndex } from "../spec/dependency-args.ts";

export const MAX_DEFAULT_NAME_LENGTH = 32;
export const CONTENTS_BUNDLE_NAME = "contents";

/** Longest first, so `.tar.gz` wins over `.gz`. */
export const ARCHIVE_EXTENSIONS = [".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar", ".zip", ".gz", ".bz2"] as const;

/** Throws INVALID_NAME unless `name` follows CodaLab's name rule; returns it otherwise. */
export function validateName(name: string, what = "name"): string {
  if (name === "") throw new CodalabError("INVALID_NAME", `${what} must not be empty: it ${NAME_RULE_TEXT}`);
  if (!NAME_REGEX.test(name)) {
    throw new CodalabError("INVALID_NAME", `invalid ${what} ${JSON.stringify(name)}: it ${NAME_RULE_TEXT}`);
  }
  return name;
}

/** Keeps the first and last 15 characters around `..`, so both ends stay recognisable. */
export function shortenName(name: string, max = MAX_DEFAULT_NAME_LENGTH): string {
  if (name.length <= max) return name;
  const half = Math.floor(max / 2);
  return `${name.slice(0, half - 1)}..${name.slice(name.length - half + 1)}`;
}

/**
 * Any text → a valid name: invalid characters become `-` (runs collapsed), a leading `_` is
 * added unless it starts with a letter or `_`, and long names are shortened.
 */
export function sanitizeName(raw: string): string {
  let name = raw.replace(/[^a-zA-Z0-9_.-]/g, "-").replace(/-+/g, "-");
  if (!/^[a-zA-Z_]/.test(name)) name = `_${name}`;
  return shortenName(name);
}

export function archiveExtension(name: string): string | null {
  return ARCHIVE_EXTENSIONS.find((extension) => name.endsWith(extension)) ?? null;
}

/** `data.tar.gz` → `data`; other names unchanged. */
export function stripArchiveExtension(name: string): string {
  const extension = archiveExtension(name);
  return extension === null ? name : name.slice(0, -extension.length);
}

function isUrl(path: string): boolean {
  return /^(https?|ftp):\/\//.test(path);
}

/** The last component of a local path or URL as CodaLab sees it (`-` is stdin). */
function uploadBasename(path: string): string {
  if (path === "-") return "stdin";
  if (isUrl(path)) {
    const withoutQuery = path.replace(/[?#].*$/, "").replace(/\/+$/, "");
    return withoutQuery.slice(withoutQuery.lastIndexOf("/") + 1);
  }
  // Local paths come from the user's shell, possibly on Windows.
  const trimmed = path.replace(/[/\\]+$/, "");
  return trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
}

/**
 * `cl upload a.txt dir/` → `a.txt-dir`; archives lose their extension unless `pack`
 * (`data.tar.gz` → `data`). Pass local paths resolved against the working directory: `.` or
 * `..` have no name of their own.
 */
export function defaultUploadName(paths: readonly string[], options: { pack?: boolean } = {}): string {
  const name = sanitizeName(paths.map(uploadBasename).join("-"));
  return options.pack ? name : stripArchiveExtension(name);
}

/** `run-<first word of the command>`: `python train.py` → `run-python`. */
export function defaultRunName(command: string): string {
  const firstWord = command.trimStart().split(/\s/)[0] ?? "";
  return sanitizeName(`run-${firstWord}`);
}

/**
 * One unkeyed target → the basename of the target (`cl make data/train.csv` → `train.csv`);
 * otherwise `make-<targets>` (`a:x b:y` → `make-a-x-b-y`). Pass the positionals as typed.
 */
export function defaultMakeName(targets: readonly string[]): string {
  const [only] = targets;
  if (targets.length === 1 && only !== undefined && keyColonIndex(only) === -1) {
    const trimmed = only.replace(/\/+$/, "");
    return sanitizeName(trimmed.slice(trimmed.lastIndexOf("/") + 1));
  }
  return sanitizeName(`make-${targets.join(" ")}`);
}
