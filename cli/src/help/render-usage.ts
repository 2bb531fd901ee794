import type { ArgDef } from "citty";
import type { CommandEntry, CommandSyntax } from "../command.ts";
import { kebabCase } from "../kebab-case.ts";

export type ArgumentRow = { label: string; description: string; positional: boolean };

/** `cl alias [-h] [-r] [--json] [<name>] [<address>]`, argparse style. */
export function usageLine(entry: CommandEntry, command: CommandSyntax): string {
  const parts = [`cl ${entry.name}`, "[-h]"];
  for (const [name, def] of Object.entries(command.args)) {
    if (def.type === "positional") continue;
    const flag = shortFlags(def)[0] ?? `--${kebabCase(name)}`;
    parts.push(`[${flag}${valueName(name, def)}]`);
  }
  for (const [name, def] of Object.entries(command.args)) {
    if (def.type !== "positional") continue;
    parts.push(def.required === false || def.default !== undefined ? `[<${name}>]` : `<${name}>`);
  }
  if (command.rest) parts.push(`[<${command.rest.name}>...]`);
  return parts.join(" ");
}

/** Positionals first, then options, each with its description (CodaLab's "Arguments:" table). */
export function argumentRows(command: CommandSyntax): ArgumentRow[] {
  const rows: ArgumentRow[] = [];
  for (const [name, def] of Object.entries(command.args)) {
    if (def.type === "positional") rows.push({ label: name, description: describe(def), positional: true });
  }
  if (command.rest) {
    rows.push({ label: `${command.rest.name}...`, description: command.rest.description, positional: true });
  }
  for (const [name, def] of Object.entries(command.args)) {
    if (def.type === "positional") continue;
    const flags = [...shortFlags(def), ...longFlags(name, def)].join(", ");
    rows.push({ label: `${flags}${valueName(name, def)}`, description: describe(def), positional: false });
  }
  return rows;
}

const HELP_ROW: ArgumentRow = { label: "-h, --help", description: "Show this help message.", positional: false };

/** The full text of `cl <command> --help` / `cl help <command>`. */
export function renderUsage(entry: CommandEntry, command: CommandSyntax): string {
  const lines = [`usage: ${usageLine(entry, command)}`, "", entry.summary, ...(command.details ?? [])];
  const rows = argumentRows(command);
  const positionals = rows.filter((row) => row.positional);
  const options = [HELP_ROW, ...rows.filter((row) => !row.positional)];
  if (positionals.length > 0) lines.push("", "positional arguments:", ...table(positionals, "  "));
  lines.push("", "options:", ...table(options, "  "));
  if (entry.aliases.length > 0) lines.push("", `aliases: ${entry.aliases.join(", ")}`);
  return lines.join("\n");
}

export function table(rows: readonly ArgumentRow[], indent: string): string[] {
  const width = Math.max(0, ...rows.map((row) => row.label.length));
  return rows.map((row) => `${indent}${row.label.padEnd(width)}  ${row.description}`.trimEnd());
}

function shortFlags(def: ArgDef): string[] {
  return aliasesOf(def)
    .filter((alias) => alias.length === 1)
    .map((alias) => `-${alias}`);
}

function longFlags(name: string, def: ArgDef): string[] {
  const long = aliasesOf(def).filter((alias) => alias.length > 1);
  return [kebabCase(name), ...long].map((flag) => `--${flag}`);
}

function aliasesOf(def: ArgDef): string[] {
  return "alias" in def && def.alias !== undefined ? [def.alias].flat() : [];
}

function valueName(name: string, def: ArgDef): string {
  if (def.type === "enum" && def.options) return ` {${def.options.join(",")}}`;
  if (def.type !== "string") return "";
  return ` ${(def.valueHint ?? kebabCase(name)).toUpperCase().replaceAll("-", "_")}`;
}

function describe(def: ArgDef): string {
  const text = def.description ?? "";
  return def.default !== undefined && def.type !== "boolean" ? `${text} (default: ${def.default})` : text;
}
