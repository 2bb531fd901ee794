/**
 * Worksheet directives (`% display table s1`, `% add acc /stats.json:acc %.3f`) are stored as one
 * shell-quoted string per item, as CodaLab does with Python's `shlex.split` (POSIX rules, no
 * comments) and `pipes.quote`. This file tokenizes and re-quotes them and turns tokens into a
 * typed directive. Errors are `CodalabError("VALIDATION_FAILED")`; the interpreter turns them into
 * "Error in source line N" blocks, so a bad directive never breaks a whole worksheet.
 */
import { CodalabError } from "../errors.ts";
import { normalizeSubpath } from "../paths/safe-path.ts";
import { schemaColumnFromArgs } from "./schemas.ts";

const WHITESPACE = /\s/;

/** `a "b c" 'd'` → ["a", "b c", "d"], with shlex's POSIX quoting and escaping rules. */
export function tokenizeDirective(text: string): string[] {
  const tokens: string[] = [];
  let token = "";
  // A token exists once any character or quote was seen, so `''` yields an empty token.
  let inToken = false;
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (WHITESPACE.test(char)) {
      if (inToken) tokens.push(token);
      token = "";
      inToken = false;
      index++;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) throw invalid("No closing quotation", text);
      token += text.slice(index + 1, end);
      inToken = true;
      index = end + 1;
    } else if (char === '"') {
      index++;
      let closed = false;
      while (index < text.length) {
        const inner = text.charAt(index);
        if (inner === '"') {
          closed = true;
          index++;
          break;
        }
        // Inside double quotes a backslash escapes only `"` and itself (shlex POSIX mode).
        const next = text.charAt(index + 1);
        if (inner === "\\" && (next === '"' || next === "\\")) {
          token += next;
          index += 2;
        } else {
          token += inner;
          index++;
        }
      }
      if (!closed) throw invalid("No closing quotation", text);
      inToken = true;
    } else if (char === "\\") {
      if (index + 1 >= text.length) throw invalid("No escaped character", text);
      token += text.charAt(index + 1);
      inToken = true;
      index += 2;
    } else {
      token += char;
      inToken = true;
      index++;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}

function invalid(reason: string, text: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", `${reason} in directive ${JSON.stringify(text)}`);
}

const SAFE_TOKEN = /^[\w@%+=:,./-]+$/;

/** Quotes one token the way Python's `pipes.quote` does, so stored values stay byte-compatible. */
export function quoteToken(token: string): string {
  if (token === "") return "''";
  if (SAFE_TOKEN.test(token)) return token;
  return `'${token.replaceAll("'", `'"'"'`)}'`;
}

export function tokensToString(tokens: readonly string[]): string {
  return tokens.map(quoteToken).join(" ");
}

export const DISPLAY_MODES = ["table", "record", "contents", "image", "html", "graph", "hidden"] as const;
export type DisplayMode = (typeof DISPLAY_MODES)[number];

export const DEFAULT_CONTENTS_MAX_LINES = 10;
/** CodaLab defines 100 for graphs but passes the contents default (10); see docs/design/worksheet-language.md. */
export const DEFAULT_GRAPH_MAX_LINES = 100;

/** How the following run of bundles is rendered. File targets are bundle-relative subpaths ("" = the bundle). */
export type DisplaySpec =
  | { mode: "table"; schemas: string[] }
  | { mode: "record"; schemas: string[] }
  | { mode: "contents"; target: string; max_lines: number }
  | { mode: "image"; target: string; width: number | null; height: number | null }
  | { mode: "html"; target: string }
  | {
      mode: "graph";
      target: string;
      display_name: string;
      x: number;
      y: number;
      xlabel: string | null;
      ylabel: string | null;
      max_lines: number;
    }
  | { mode: "hidden" };

export const DEFAULT_DISPLAY: DisplaySpec = { mode: "table", schemas: ["default"] };

export type Directive =
  | { kind: "comment"; text: string }
  | { kind: "schema"; name: string }
  | { kind: "add"; args: string[] }
  | { kind: "addschema"; name: string }
  | { kind: "display"; display: DisplaySpec }
  | { kind: "search"; keywords: string[] }
  | { kind: "wsearch"; keywords: string[] };

/**
 * Tokens of a directive item → a typed directive. A first token `%` (how comments are stored) or
 * no token at all is a comment.
 */
export function parseDirective(tokens: readonly string[]): Directive {
  const [command, ...args] = tokens;
  if (command === undefined || command === "%") return { kind: "comment", text: args.join(" ") };
  switch (command) {
    case "schema":
      return { kind: "schema", name: requireName(command, args) };
    case "addschema":
      return { kind: "addschema", name: requireName(command, args) };
    case "add":
      // Validate the argument count now so the error names this line.
      schemaColumnFromArgs(args, null);
      return { kind: "add", args };
    case "display":
      return { kind: "display", display: parseDisplay(args) };
    case "search":
      return { kind: "search", keywords: args };
    case "wsearch":
      return { kind: "wsearch", keywords: args };
    default:
      throw new CodalabError("VALIDATION_FAILED", `unknown directive \`${command}\``);
  }
}

function requireName(command: string, args: readonly string[]): string {
  const name = args[0];
  if (name === undefined || name === "") throw new CodalabError("VALIDATION_FAILED", `\`${command}\` missing name`);
  return name;
}

/** `% display <mode> <args...>` arguments (without `display`). */
export function parseDisplay(args: readonly string[]): DisplaySpec {
  const [mode, ...rest] = args;
  if (mode === undefined) {
    throw new CodalabError("VALIDATION_FAILED", `\`display\` missing mode (one of ${DISPLAY_MODES.join(", ")})`);
  }
  if (!isDisplayMode(mode)) throw new CodalabError("VALIDATION_FAILED", `Unknown display mode: ${mode}`);
  switch (mode) {
    case "table":
    case "record":
      return { mode, schemas: rest.length > 0 ? [...rest] : ["default"] };
    case "hidden":
      return { mode };
    default:
      break;
  }
  const [genpath, ...propertyArgs] = rest;
  if (genpath === undefined) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `Expected '% display ${mode} (genpath)', but got '% display ${tokensToString(args)}'`,
    );
  }
  const target = fileTarget(genpath);
  const properties = parseProperties(propertyArgs);
  switch (mode) {
    case "contents":
      return { mode, target, max_lines: integerProperty(properties, "maxlines", DEFAULT_CONTENTS_MAX_LINES) };
    case "image":
      return {
        mode,
        target,
        width: integerProperty(properties, "width", null),
        height: integerProperty(properties, "height", null),
      };
    case "html":
      return { mode, target };
    case "graph":
      return parseGraph(target, properties);
  }
}

function parseGraph(target: string, properties: ReadonlyMap<string, string>): DisplaySpec {
  const xlabel = properties.get("xlabel") ?? null;
  const ylabel = properties.get("ylabel") ?? null;
  // CodaLab's frontend used numeric xlabel/ylabel as column indices (its x=/y= were ignored), so
  // worksheets written against it keep working: a numeric label stands in for a missing index.
  const x = integerProperty(properties, "x", numericLabel(xlabel) ?? 0);
  const y = integerProperty(properties, "y", numericLabel(ylabel) ?? 1);
  return {
    mode: "graph",
    target,
    display_name: properties.get("display_name") ?? "name",
    x,
    y,
    xlabel,
    ylabel,
    max_lines: integerProperty(properties, "maxlines", DEFAULT_GRAPH_MAX_LINES),
  };
}

function numericLabel(label: string | null): number | null {
  return label !== null && /^\d+$/.test(label) ? Number(label) : null;
}

function isDisplayMode(mode: string): mode is DisplayMode {
  return (DISPLAY_MODES as readonly string[]).includes(mode);
}

/** `/stdout` → `stdout`; refuses genpaths that are not files or that escape the bundle. */
export function fileTarget(genpath: string): string {
  if (!genpath.startsWith("/")) throw new CodalabError("VALIDATION_FAILED", `Not file genpath: ${genpath}`);
  return normalizeSubpath(genpath.slice(1), "genpath");
}

function parseProperties(args: readonly string[]): Map<string, string> {
  const properties = new Map<string, string>();
  for (const arg of args) {
    const index = arg.indexOf("=");
    if (index === -1) throw new CodalabError("VALIDATION_FAILED", `Expected <key>=<value>, but got ${arg}`);
    properties.set(arg.slice(0, index), arg.slice(index + 1));
  }
  return properties;
}

function integerProperty<T extends number | null>(
  properties: ReadonlyMap<string, string>,
  key: string,
  fallback: T,
): number | T {
  const value = properties.get(key);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) {
    throw new CodalabError("VALIDATION_FAILED", `${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value.trim());
}
