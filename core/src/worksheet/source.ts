/**
 * Worksheet markdown source ↔ items (spec §5.2). One source line is one item:
 *   `// text`                 comment, stored as a directive item `% '<text>'` (kept, never rendered)
 *   `[anything]{spec}`        bundle item (the text in [] is informational)
 *   `[anything]{{spec}}`      sub-worksheet item
 *   `% directive args`        directive item, stored as re-quoted tokens
 *   anything else             markup (blank lines included)
 * Specs are resolved by the server (it needs the database): parsing keeps them with their line
 * numbers so a failure can name the line, and `itemsFromParsedLines` builds the items afterwards.
 */
import { CodalabError } from "../errors.ts";
import { maskBundleInfo } from "./bundle-mask.ts";
import { type BundleInfo, isMaskedBundle, type WorksheetInfo, type WorksheetItem } from "./data-access.ts";
import { tokenizeDirective, tokensToString } from "./directive-tokens.ts";
import { renderDependencies } from "./genpath.ts";

const BUNDLE_LINE = /^\s*(\[(.*)\])?\s*\{([^{]*)\}\s*$/;
const WORKSHEET_LINE = /^\s*(\[(.*)\])?\s*\{\{(.*)\}\}\s*$/;
const DIRECTIVE_LINE = /^\s*%\s*(.*)$/;
const COMMENT_PREFIX = "//";
const COMMENT_COMMAND = "%";

interface LineOrigin {
  /** 1-based line number in the submitted source. */
  line: number;
  /** The line as written. */
  text: string;
}

export type ParsedLine =
  | (LineOrigin & { type: "markup"; value: string })
  | (LineOrigin & { type: "directive"; value: string })
  | (LineOrigin & { type: "bundle"; spec: string })
  | (LineOrigin & { type: "worksheet"; spec: string });

/** An item to insert, before the database gives it an id and a sort key. */
export type NewWorksheetItem = Omit<WorksheetItem, "id" | "sort_key">;

/** Source lines ("\n" or "\r\n" separated; one trailing newline ignored). */
export function splitSourceLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function parseSource(text: string | readonly string[]): ParsedLine[] {
  const lines = typeof text === "string" ? splitSourceLines(text) : text;
  return lines.map((line, index) => parseLine(line, index + 1));
}

function parseLine(text: string, line: number): ParsedLine {
  if (text.startsWith(COMMENT_PREFIX)) {
    return { type: "directive", line, text, value: commentValue(text.slice(COMMENT_PREFIX.length)) };
  }
  const bundle = BUNDLE_LINE.exec(text);
  if (bundle) return { type: "bundle", line, text, spec: (bundle[3] ?? "").trim() };
  const worksheet = WORKSHEET_LINE.exec(text);
  if (worksheet) return { type: "worksheet", line, text, spec: (worksheet[3] ?? "").trim() };
  const directive = DIRECTIVE_LINE.exec(text);
  if (directive) return { type: "directive", line, text, value: directiveValue(directive[1] ?? "") };
  return { type: "markup", line, text, value: text };
}

/** How a comment's text is stored: a directive whose first token is `%`. */
export function commentValue(comment: string): string {
  return tokensToString([COMMENT_COMMAND, comment]);
}

/**
 * Directive text after `%` → its stored form (tokens re-quoted). Text that cannot be tokenized
 * (an unclosed quote) is kept as written so saving never fails; interpretation reports it.
 */
function directiveValue(text: string): string {
  try {
    return tokensToString(tokenizeDirective(text));
  } catch {
    return text.trim();
  }
}

export interface SpecResolutions {
  /** Line number → bundle uuid, for every bundle line (the server refuses the save otherwise). */
  bundles: ReadonlyMap<number, string>;
  /** Line number → worksheet uuid, or the reason it could not be resolved. */
  worksheets: ReadonlyMap<number, string | { error: string }>;
}

/**
 * Parsed lines + the server's spec resolutions → items to store. An unresolvable sub-worksheet
 * becomes a markup line `<error>: <line>` as in CodaLab, so the rest of the save goes through.
 */
export function itemsFromParsedLines(lines: readonly ParsedLine[], resolved: SpecResolutions): NewWorksheetItem[] {
  return lines.map((parsed) => itemFromParsedLine(parsed, resolved));
}

function itemFromParsedLine(parsed: ParsedLine, resolved: SpecResolutions): NewWorksheetItem {
  switch (parsed.type) {
    case "markup":
    case "directive":
      return { type: parsed.type, bundle_uuid: null, subworksheet_uuid: null, value: parsed.value };
    case "bundle": {
      const uuid = resolved.bundles.get(parsed.line);
      if (uuid === undefined) {
        throw new CodalabError(
          "INVALID_SPEC",
          `line ${parsed.line}: bundle spec ${JSON.stringify(parsed.spec)} was not resolved`,
        );
      }
      return { type: "bundle", bundle_uuid: uuid, subworksheet_uuid: null, value: "" };
    }
    case "worksheet": {
      const uuid = resolved.worksheets.get(parsed.line) ?? { error: `cannot resolve worksheet ${parsed.spec}` };
      if (typeof uuid === "string") return { type: "worksheet", bundle_uuid: null, subworksheet_uuid: uuid, value: "" };
      return { type: "markup", bundle_uuid: null, subworksheet_uuid: null, value: `${uuid.error}: ${parsed.text}` };
    }
  }
}

export interface SourceLookup {
  bundles: ReadonlyMap<string, BundleInfo>;
  worksheets: ReadonlyMap<string, WorksheetInfo>;
}

/** Items → markdown source lines, as `cl wedit` and the web's source editor show them. */
export function renderSource(items: readonly WorksheetItem[], lookup: SourceLookup): string[] {
  return items.map((item) => renderSourceLine(item, lookup));
}

function renderSourceLine(item: WorksheetItem, lookup: SourceLookup): string {
  switch (item.type) {
    case "markup":
      return item.value;
    case "directive":
      return renderDirectiveLine(item.value);
    case "bundle":
      return renderBundleLine(item.bundle_uuid ?? "", lookup.bundles.get(item.bundle_uuid ?? ""));
    case "worksheet":
      return renderWorksheetLine(item.subworksheet_uuid ?? "", lookup.worksheets.get(item.subworksheet_uuid ?? ""));
  }
}

/** The source as one text, as `cl wedit` opens it in an editor. */
export function renderSourceText(items: readonly WorksheetItem[], lookup: SourceLookup): string {
  return renderSource(items, lookup)
    .map((line) => `${line}\n`)
    .join("");
}

export function renderDirectiveLine(value: string): string {
  let tokens: string[];
  try {
    tokens = tokenizeDirective(value);
  } catch {
    return `% ${value}`;
  }
  if (tokens[0] === COMMENT_COMMAND) return COMMENT_PREFIX + tokens.slice(1).join(" ");
  const text = tokensToString(tokens);
  return text === "" ? "%" : `% ${text}`;
}

/** `[<type> <name> -- <deps> : <command>]{<uuid>}`, omitting empty parts; `[]{uuid}` if unknown. */
export function renderBundleLine(uuid: string, info: BundleInfo | undefined): string {
  if (info === undefined) return `[]{${uuid}}`;
  const shown = maskBundleInfo(info);
  if (isMaskedBundle(shown)) return `[${shown.bundle_type} ${shown.metadata.name}]{${uuid}}`;
  let description = `${shown.bundle_type} ${String(shown.metadata.name ?? "")}`;
  const dependencies = renderDependencies(shown.dependencies);
  if (dependencies) description += ` -- ${dependencies}`;
  if (shown.command) description += ` : ${shown.command.replaceAll("\n", " ")}`;
  return `[${description}]{${uuid}}`;
}

export function renderWorksheetLine(uuid: string, info: WorksheetInfo | undefined): string {
  const name = info === undefined ? "" : info.permission === "none" ? "<private>" : (info.name ?? "");
  return `[worksheet ${name}]{{${uuid}}}`;
}
