/**
 * The web terminal's line editing logic: a typed line → argv (shell quoting as `cl` gets it from
 * a POSIX shell; a leading `cl` is optional), and tab completion of command names, then of the
 * words offered for later positions (the worksheet's bundle names).
 */
import { CodalabError } from "@codalab/core/errors";
import { tokenizeDirective } from "@codalab/core/worksheet/directive-tokens";

export type ParsedLine = { ok: true; argv: string[] } | { ok: false; message: string };

export function parseLine(line: string): ParsedLine {
  try {
    const words = tokenizeDirective(line);
    return { ok: true, argv: words[0] === "cl" ? words.slice(1) : words };
  } catch (error) {
    if (error instanceof CodalabError) {
      // The tokenizer names "directive" in its message; here the line is a command.
      return { ok: false, message: error.message.replace(/ in directive .*$/, "") };
    }
    throw error;
  }
}

export type Completion = {
  /** The line after completing (unchanged when nothing or several things match). */
  line: string;
  /** Every candidate when more than one matches, to list under the prompt. */
  choices: string[];
};

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? "";
  for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Completes the last word of `line`: the first word (after an optional `cl`) from `commands`,
 * later words from `words`. A single match is completed with a trailing space; several are
 * completed to their common prefix and listed.
 */
export function completeLine(line: string, commands: readonly string[], words: readonly string[]): Completion {
  const start = line.search(/\S*$/);
  const partial = line.slice(start);
  const before = line
    .slice(0, start)
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
  const position = before[0] === "cl" ? before.length - 1 : before.length;
  const pool = position === 0 ? commands : words;
  const matches = [...new Set(pool.filter((candidate) => candidate.startsWith(partial)))].sort();
  if (matches.length === 0) return { line, choices: [] };
  if (matches.length === 1) return { line: `${line.slice(0, start)}${matches[0]} `, choices: [] };
  return { line: `${line.slice(0, start)}${commonPrefix(matches)}`, choices: matches };
}

/** Commands that change worksheets or bundles: the page reloads after they succeed. */
const READ_ONLY = new Set([
  "cat",
  "info",
  "ls",
  "search",
  "wls",
  "print",
  "status",
  "help",
  "workers",
  "gls",
  "ginfo",
  "uls",
  "uinfo",
  "alias",
  "config",
  "wait",
]);

export function mayChangeWorksheet(argv: readonly string[]): boolean {
  const name = argv[0];
  return name !== undefined && !READ_ONLY.has(name) && !argv.includes("--help") && !argv.includes("-h");
}

/**
 * Commands whose modules need Node (local files, the upload resume store): refused before they
 * load, each with the page's way to do the same.
 */
const BROWSER_REFUSALS: Readonly<Record<string, { message: string; hint: string }>> = {
  upload: {
    message: "cl upload reads files on your computer, which the browser terminal cannot",
    hint: "use the Upload button (or press a u) to upload files and folders",
  },
};
const REFUSAL_ALIASES: Readonly<Record<string, string>> = { up: "upload" };

export function browserRefusal(argv: readonly string[]): { message: string; hint: string } | undefined {
  const name = argv[0];
  if (name === undefined) return undefined;
  return BROWSER_REFUSALS[REFUSAL_ALIASES[name] ?? name];
}
