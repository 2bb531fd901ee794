/**
 * The dispatcher, free of Node specifics: argv in, exit status out. `-v`, `--help` and usage
 * errors are answered from the command list alone; a command's module, and the context (config,
 * state, API client), are loaded only when that command runs.
 */
import { joinAfterDashes } from "@codalab/core/spec/dependency-args";
import { COMMANDS, findCommand } from "./commands/command-list.ts";
import type { ClContext } from "./context.ts";
import { usageError } from "./errors/cli-error.ts";
import { formatError } from "./errors/format-error.ts";
import { renderCommandList, versionLine } from "./help/render-help.ts";
import { renderUsage } from "./help/render-usage.ts";
import type { Output } from "./output/output.ts";

export type RunCliOptions = {
  out: Output;
  /** CODALAB_DEBUG=1: print stack traces with errors. */
  debug: boolean;
  /** Called once, when a command is about to run. */
  context: () => Promise<ClContext>;
};

export async function runCli(argv: readonly string[], options: RunCliOptions): Promise<number> {
  const { out } = options;
  try {
    const [name, ...rest] = joinAfterDashes(argv);
    if (name === undefined || name === "-h" || name === "--help") {
      out.line(renderCommandList(COMMANDS));
      return 0;
    }
    if (name === "-v" || name === "--version") {
      out.line(versionLine());
      return 0;
    }
    if (name.startsWith("-")) {
      throw usageError(`unknown option ${name}`, "options go after the command: cl <command> [options]");
    }
    const entry = findCommand(name);
    if (!entry) throw usageError(`unknown command "${name}"`, "run `cl help` to list the commands");
    const command = await entry.load();
    if (wantsHelp(rest)) {
      out.line(renderUsage(entry, command));
      return 0;
    }
    const run = command.prepare(rest, entry);
    await run(await options.context());
    return 0;
  } catch (error) {
    const { lines, exitCode } = formatError(error, { debug: options.debug });
    for (const line of lines) out.note(line);
    return exitCode;
  }
}

/** `-h`/`--help` anywhere before a `--` asks for the command's usage instead of running it. */
function wantsHelp(rawArgs: readonly string[]): boolean {
  for (const arg of rawArgs) {
    if (arg === "--") return false;
    if (arg === "-h" || arg === "--help") return true;
  }
  return false;
}
