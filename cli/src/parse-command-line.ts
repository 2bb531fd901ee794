import { type ArgDef, type ArgsDef, type ParsedArgs, parseArgs } from "citty";
import type { CommandEntry, CommandSyntax } from "./command.ts";
import { usageError } from "./errors/cli-error.ts";
import { usageLine } from "./help/render-usage.ts";
import { kebabCase } from "./kebab-case.ts";

/**
 * Parses a command's arguments with citty, after checking what citty lets through: unknown
 * options, options missing their value, missing or surplus positionals. argparse (CodaLab)
 * rejects all of these, and silently ignoring a mistyped flag can run the wrong thing.
 */
export function parseCommandLine<A extends ArgsDef>(
  entry: CommandEntry,
  command: CommandSyntax & { args: A },
  rawArgs: readonly string[],
): ParsedArgs<A> {
  const help = `see \`cl help ${entry.name}\``;
  const options = optionTable(command.args);
  const positionals: string[] = [];
  for (let index = 0; index < rawArgs.length; index += 1) {
    const arg = rawArgs[index] ?? "";
    if (arg === "--") {
      positionals.push(...rawArgs.slice(index + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const [flag = "", inlineValue] = splitOnce(arg.slice(2), "=");
      const def = options.long.get(flag) ?? negatedBoolean(options, flag);
      if (!def) throw usageError(`unknown option --${flag}`, help);
      if (isValueOption(def) && inlineValue === undefined) {
        index += 1;
        requireValue(rawArgs[index], `--${flag}`, help);
      }
    } else if (arg.startsWith("-") && arg !== "-") {
      index += checkShortCluster(arg, options, rawArgs[index + 1], help);
    } else {
      positionals.push(arg);
    }
  }
  checkPositionals(entry, command, positionals, help);
  try {
    return parseArgs<A>([...rawArgs], command.args);
  } catch (error) {
    // citty's own complaints (an enum value out of range) are usage errors too.
    if (error instanceof Error && error.name === "CLIError") throw usageError(stripAnsi(error.message), help);
    throw error;
  }
}

type OptionTable = { long: Map<string, ArgDef>; short: Map<string, ArgDef> };

function optionTable(args: ArgsDef): OptionTable {
  const long = new Map<string, ArgDef>();
  const short = new Map<string, ArgDef>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    long.set(name, def);
    long.set(kebabCase(name), def);
    const aliases = "alias" in def && def.alias !== undefined ? [def.alias].flat() : [];
    for (const alias of aliases) (alias.length === 1 ? short : long).set(alias, def);
  }
  return { long, short };
}

function negatedBoolean(options: OptionTable, flag: string): ArgDef | undefined {
  if (!flag.startsWith("no-")) return undefined;
  const def = options.long.get(flag.slice(3));
  return def?.type === "boolean" ? def : undefined;
}

/** Checks `-r`, `-rf` or `-nNAME`; returns how many following arguments it consumed as a value. */
function checkShortCluster(arg: string, options: OptionTable, next: string | undefined, help: string): number {
  const letters = arg.slice(1);
  for (const [position, letter] of [...letters].entries()) {
    const def = options.short.get(letter);
    if (!def) throw usageError(`unknown option -${letter}`, help);
    if (!isValueOption(def)) continue;
    if (position < letters.length - 1) return 0;
    requireValue(next, `-${letter}`, help);
    return 1;
  }
  return 0;
}

function requireValue(value: string | undefined, flag: string, help: string): void {
  // argparse's rule: `-` and negative numbers (`--request-priority -2`) are values, not options.
  if (value === undefined || (value.startsWith("-") && value !== "-" && !/^-\d+(\.\d+)?$/.test(value))) {
    throw usageError(`option ${flag} needs a value`, `${help} (write ${flag}=VALUE for a value starting with -)`);
  }
}

function checkPositionals(entry: CommandEntry, command: CommandSyntax, positionals: string[], help: string): void {
  const defs = Object.entries(command.args).filter(([, def]) => def.type === "positional");
  const required = defs.filter(([, def]) => def.required !== false && def.default === undefined);
  const missing = required[positionals.length];
  if (missing) {
    throw usageError(`missing argument <${missing[0]}>`, `usage: ${usageLine(entry, command)}`);
  }
  const surplus = positionals[defs.length];
  if (surplus !== undefined && !command.rest) {
    throw usageError(`unexpected argument "${surplus}"`, help);
  }
}

function isValueOption(def: ArgDef): boolean {
  return def.type === "string" || def.type === "enum";
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal colour codes is the point
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
