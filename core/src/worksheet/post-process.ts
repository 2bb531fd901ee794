/**
 * Post-processors (spec §5.5): a pipeline of functions separated by ` | ` applied to a genpath's
 * value, e.g. `date | [0:4]` or `key uuid | add path /stdout | add text StandardOutput`.
 * As in CodaLab, a function that fails stops the pipeline and leaves the value as it was before
 * that function, an unknown function yields `<invalid function: …>` and a malformed `s/…/…`
 * yields `<invalid regex: …>`.
 */
import { formatDate } from "../format/date.ts";
import { formatDuration } from "../format/duration.ts";
import { formatSize } from "../format/size.ts";
import { isJsonObject, type JsonValue } from "./json-value.ts";
import { formatPrintf } from "./printf.ts";

const FUNCTION_SEPARATOR = " | ";
/** `s/…/…` is skipped on longer values: user regexes run on the server and may backtrack badly. */
export const MAX_REGEX_INPUT_LENGTH = 65_536;
const SLICE = /^\[(.*):(.*)\]/;
const ESCAPED_SLASH = "\u0000";

/** Applies `post` (null or blank: none) to `value`. Never throws. */
export function applyPostProcessor(post: string | null, value: JsonValue): JsonValue {
  if (post === null || post.trim() === "") return value;
  let current = value;
  for (const raw of post.split(FUNCTION_SEPARATOR)) {
    const step = applyFunction(raw.trim(), current);
    if (step.stop) return step.value;
    current = step.value;
  }
  return current;
}

type Step = { value: JsonValue; stop: boolean };

function applyFunction(name: string, value: JsonValue): Step {
  // Like CodaLab, a failing function ends the pipeline with the value it was given.
  const next = (result: JsonValue | undefined): Step =>
    result === undefined ? { value, stop: true } : { value: result, stop: false };
  const invalid = (): Step => ({ value: `<invalid function: ${name}>`, stop: true });
  if (name === "str") return next(stringify(value));
  if (name === "date") return next(numeric(value, formatDate));
  if (name === "duration") return next(numeric(value, formatDuration));
  if (name === "size") return next(numeric(value, formatSize));
  if (name.startsWith("%")) return next(numeric(value, (number) => formatPrintf(name, number) ?? undefined));
  if (name.startsWith("s/")) {
    const parts = splitSubstitution(name);
    if (parts === null) return { value: `<invalid regex: ${name}>`, stop: true };
    return next(substitute(value, parts.pattern, parts.replacement));
  }
  if (name.startsWith("[")) {
    const match = SLICE.exec(name);
    if (!match) return invalid();
    return next(slice(value, match[1] ?? "", match[2] ?? ""));
  }
  if (name.startsWith("add ")) {
    const args = name.split(" ").slice(1);
    const [key, added] = args;
    if (args.length !== 2 || key === undefined || added === undefined || !isJsonObject(value)) return next(undefined);
    return next({ ...value, [key]: added });
  }
  if (name.startsWith("key ")) return next({ [name.split(" ")[1] ?? ""]: value });
  return invalid();
}

/** True when every function of `post` is one this module knows (used to split ad-hoc columns). */
export function isKnownPostProcessor(post: string): boolean {
  if (post.trim() === "") return false;
  return post.split(FUNCTION_SEPARATOR).every((raw) => {
    const name = raw.trim();
    if (name === "str" || name === "date" || name === "duration" || name === "size") return true;
    if (name.startsWith("%") || name.startsWith("add ") || name.startsWith("key ")) return true;
    if (name.startsWith("s/")) return splitSubstitution(name) !== null;
    return SLICE.test(name);
  });
}

function stringify(value: JsonValue): string {
  if (value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Python's `float(value)`: numbers, booleans and numeric strings; null passes through as null. */
function numeric(value: JsonValue, format: (number: number) => string | undefined): JsonValue | undefined {
  if (value === null) return null;
  const number = toFloat(value);
  return number === null ? undefined : format(number);
}

const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*|\d(?:_?\d)*\.)(?:e[+-]?\d(?:_?\d)*)?$/i;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

export function toFloat(value: JsonValue): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") return null;
  const text = value.trim();
  const special = SPECIAL_FLOAT.exec(text);
  if (special) {
    if (special[2]?.toLowerCase() === "nan") return Number.NaN;
    return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!FLOAT_TEXT.test(text)) return null;
  return Number(text.replaceAll("_", ""));
}

function splitSubstitution(name: string): { pattern: string; replacement: string } | null {
  const tokens = name.replaceAll("\\/", ESCAPED_SLASH).split("/");
  const [, pattern, replacement] = tokens;
  if (tokens.length !== 3 || pattern === undefined || replacement === undefined) return null;
  return { pattern: pattern.replaceAll(ESCAPED_SLASH, "/"), replacement: replacement.replaceAll(ESCAPED_SLASH, "/") };
}

function substitute(value: JsonValue, pattern: string, replacement: string): JsonValue | undefined {
  if (typeof value !== "string" || value.length > MAX_REGEX_INPUT_LENGTH) return undefined;
  try {
    const regex = pythonRegex(pattern);
    return value.replace(regex, (...args: unknown[]) => expandTemplate(replacement, args));
  } catch {
    return undefined;
  }
}

/** Python `re` syntax → a global JavaScript RegExp (named groups, leading inline flags, \A, \Z). */
function pythonRegex(pattern: string): RegExp {
  let source = pattern;
  let flags = "g";
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    const letters = inline[1] ?? "";
    if (/[Lx]/.test(letters)) throw new Error("unsupported inline flag");
    for (const letter of letters) if ("ims".includes(letter) && !flags.includes(letter)) flags += letter;
    source = source.slice(inline[0].length);
  }
  source = source
    .replaceAll("(?P<", "(?<")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replaceAll("\\A", "^")
    .replaceAll("\\Z", "$");
  return new RegExp(source, flags);
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\u0007", b: "\b" };

/** Expands a Python `re.sub` replacement (`\1`, `\g<1>`, `\g<name>`, `\\`, `\n`) for one match. */
function expandTemplate(template: string, replaceArgs: readonly unknown[]): string {
  const last = replaceArgs[replaceArgs.length - 1];
  const named = isJsonObject(last) ? (last as Record<string, string | undefined>) : {};
  // replace() passes match, groups..., offset, input[, named groups].
  const groupCount = replaceArgs.length - (isJsonObject(last) ? 4 : 3);
  const group = (reference: string): string => {
    if (/^\d+$/.test(reference)) {
      const index = Number(reference);
      if (index > groupCount) throw new Error(`invalid group reference ${index}`);
      const text = replaceArgs[index];
      return typeof text === "string" ? text : "";
    }
    if (!(reference in named)) throw new Error(`unknown group name ${reference}`);
    return named[reference] ?? "";
  };
  let out = "";
  for (let index = 0; index < template.length; index++) {
    const char = template.charAt(index);
    if (char !== "\\") {
      out += char;
      continue;
    }
    if (index + 1 >= template.length) throw new Error("bad escape (end of pattern)");
    const next = template.charAt(index + 1);
    const digits = /^\d{1,2}/.exec(template.slice(index + 1));
    if (digits) {
      out += group(digits[0]);
      index += digits[0].length;
    } else if (next === "g") {
      const reference = /^g<([^>]+)>/.exec(template.slice(index + 1));
      if (!reference) throw new Error("bad \\g reference");
      out += group(reference[1] ?? "");
      index += reference[0].length;
    } else if (next === "\\") {
      out += "\\";
      index++;
    } else if (next in TEMPLATE_ESCAPES) {
      out += TEMPLATE_ESCAPES[next];
      index++;
    } else if (/[A-Za-z]/.test(next)) {
      throw new Error(`bad escape \\${next}`);
    } else {
      out += char;
    }
  }
  return out;
}

const PYTHON_INT = /^\s*[+-]?\d(?:_?\d)*\s*$/;

/** Python slicing `value[start:end]` of a string (by code point) or a list. */
function slice(value: JsonValue, startText: string, endText: string): JsonValue | undefined {
  const items = typeof value === "string" ? Array.from(value) : Array.isArray(value) ? value : null;
  if (startText !== "" && !PYTHON_INT.test(startText)) return undefined;
  if (endText !== "" && !PYTHON_INT.test(endText)) return undefined;
  if (items === null) return undefined;
  const start = startText === "" ? 0 : Number(startText.replaceAll("_", ""));
  const end = endText === "" ? items.length : Number(endText.replaceAll("_", ""));
  const result = items.slice(start, end);
  return typeof value === "string" ? result.join("") : result;
}
