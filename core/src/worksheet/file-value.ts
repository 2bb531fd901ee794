/**
 * The value behind a file genpath (`/stats.json:train/acc`): the file's first lines parsed as
 * key\tvalue TSV when every line has a tab, else JSON, else YAML (safe: no custom tags, alias
 * expansion capped by the yaml package), else raw text; then a `:` key path walks into it.
 */
import { parse as parseYaml } from "yaml";
import { isJsonObject, type JsonValue, toJsonValue } from "./json-value.ts";

/** CodaLab reads at most this many lines (of at most 1 KiB each) for a genpath. */
export const MAX_GENPATH_LINES = 10_000;
export const MAX_GENPATH_LINE_BYTES = 1024;

/** Python's `str.splitlines()` boundaries (it also breaks on the \x1c-\x1e separators). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are Python's line boundaries.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are Python's line boundaries.
const LINE_END = /(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])$/;

export type FileValueResult = { ok: true; value: JsonValue } | { ok: false; error: string };

/** Splits like Python's `splitlines(True)`: each line keeps its terminator; no trailing empty line. */
export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_BREAK)) {
    const end = match.index + match[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Lines without their terminators (Python's `splitlines()`). */
export function splitLines(text: string, maxLines = Number.POSITIVE_INFINITY): string[] {
  return splitLinesKeepEnds(text)
    .slice(0, maxLines)
    .map((line) => line.replace(LINE_END, ""));
}

export function parseFileValue(text: string): FileValueResult {
  // Binary files would parse as garbage "YAML"; NUL never occurs in the text formats we read.
  if (text.includes("\0")) return { ok: false, error: "binary file" };
  const lines = splitLinesKeepEnds(text).slice(0, MAX_GENPATH_LINES);
  if (lines.length === 0) return { ok: true, value: "" };
  if (lines.every((line) => line.includes("\t"))) {
    const table: Record<string, JsonValue> = {};
    for (const line of lines) {
      const trimmed = line.trim();
      const tab = trimmed.indexOf("\t");
      if (tab === -1) continue;
      Object.defineProperty(table, trimmed.slice(0, tab), {
        value: trimmed.slice(tab + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { ok: true, value: table };
  }
  const joined = lines.join("");
  try {
    return { ok: true, value: toJsonValue(JSON.parse(joined)) };
  } catch {
    // Not JSON: try YAML next.
  }
  try {
    return {
      ok: true,
      value: toJsonValue(parseYaml(joined, { version: "1.1", uniqueKeys: false, logLevel: "error" })),
    };
  } catch {
    return { ok: true, value: joined };
  }
}

/** Walks `train/acc` or `runs/0/loss` into a parsed value; null as soon as a step is missing. */
export function selectKeyPath(value: JsonValue, keyPath: string | null): JsonValue {
  if (keyPath === null) return value;
  let current: JsonValue = value;
  for (const key of keyPath.split("/")) {
    if (isJsonObject(current)) {
      current = Object.hasOwn(current, key) ? (current[key] ?? null) : null;
    } else if (Array.isArray(current)) {
      if (!/^\s*[+-]?\d+\s*$/.test(key)) return null;
      const index = Number(key);
      // Python lists accept negative indices from the end.
      current = current[index < 0 ? current.length + index : index] ?? null;
    } else {
      return null;
    }
    if (current === null) return null;
  }
  return current;
}
