import type { ClCommand, CommandEntry } from "../command.ts";
import { COMMAND_GROUPS } from "../command-groups.ts";
import { CLIENT_VERSION } from "../core-light.ts";
import { argumentRows, table } from "./render-usage.ts";

export function versionLine(): string {
  return `CodaLab CLI version ${CLIENT_VERSION}`;
}

/** `cl help`: one line per command under CodaLab's group headings (groups without commands yet are left out). */
export function renderCommandList(commands: readonly CommandEntry[]): string {
  const label = (entry: CommandEntry) =>
    entry.aliases.length > 0 ? `${entry.name} (${entry.aliases.join(", ")})` : entry.name;
  const width = Math.max(...commands.map((entry) => label(entry).length));
  const lines = [versionLine(), "", "Usage: cl <command> <arguments>"];
  for (const [group, title] of COMMAND_GROUPS) {
    const members = commands.filter((entry) => entry.group === group);
    if (members.length === 0) continue;
    lines.push("", title);
    for (const entry of members) lines.push(`  ${label(entry).padEnd(width)}  ${entry.summary}`);
  }
  lines.push("", "Run `cl help <command>` or `cl <command> --help` for a command's arguments.");
  return lines.join("\n");
}

export type LoadedCommand = { entry: CommandEntry; command: ClCommand };

/** `cl help -v` (and `-m` for Markdown, the source of docs/CLI-Reference.md): every command's arguments. */
export function renderFullReference(commands: readonly LoadedCommand[], markdown: boolean): string {
  const lines = markdown
    ? ["Usage: `cl <command> <arguments>`"]
    : [versionLine(), "", "Usage: cl <command> <arguments>"];
  for (const [group, title] of COMMAND_GROUPS) {
    const members = commands.filter(({ entry }) => entry.group === group);
    if (members.length === 0) continue;
    lines.push("", markdown ? `## ${title}` : title);
    for (const { entry, command } of members) {
      lines.push(...(markdown ? markdownSection(entry, command) : textSection(entry, command)));
    }
  }
  return lines.join("\n").trimEnd();
}

function textSection(entry: CommandEntry, command: ClCommand): string[] {
  const name = entry.aliases.length > 0 ? `${entry.name} (${entry.aliases.join(", ")})` : entry.name;
  const lines = [`  ${name}`, `    ${entry.summary}`, ...(command.details ?? []).map((line) => `    ${line}`)];
  const rows = argumentRows(command);
  if (rows.length > 0) lines.push("    Arguments:", ...table(rows, "      "));
  lines.push("");
  return lines;
}

function markdownSection(entry: CommandEntry, command: ClCommand): string[] {
  const aliases = entry.aliases.map((alias) => `\`${alias}\``).join(", ");
  const lines = ["", `### \`${entry.name}\`${aliases ? ` (${aliases})` : ""}`, "", entry.summary];
  if (command.details && command.details.length > 0) lines.push("", "```", ...command.details, "```");
  const rows = argumentRows(command);
  if (rows.length > 0) {
    lines.push("", "Arguments:", "");
    for (const row of rows) lines.push(`- \`${row.label}\`: ${row.description}`);
  }
  return lines;
}
