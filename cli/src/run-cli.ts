/**
 * The dispatcher, free of Node specifics: argv in, exit status out. `-v`, `--help` and usage
 * errors are answered from the command list alone; a command's module, and the context (config,
 * state, API client), are loaded only when that command runs. Help, error formatting and `---`
 * joining are imported only when needed too: every module costs start-up time.
 */
import { COMMANDS, findCommand } from "./commands/command-list.ts";
import type { ClContext } from "./context.ts";
import { usageError } from "./errors/cli-error.ts";
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
    const [name, ...rest] = argv.includes("---")
      ? (await import("@codalab/core/spec/dependency-args")).joinAfterDashes(argv)
      : argv;
    if (name === undefined || name === "-h" || name === "--help") {
      out.line((await import("./help/render-help.ts")).renderCommandList(COMMANDS));
      return 0;
    }
    if (name === "-v" || name === "--version") {
      out.line((await import("./help/render-help.ts")).versionLine());
      return 0;
    }
    if (name.startsWith("-")) {
      throw usageError(`unknown option ${name}`, "options go after the command: cl <command> [options]");
    }
    const entry = findCommand(name);
    if (!entry) throw usageError(`unknown command "${name}"`, "run `cl help` to list the commands");
    const command = await entry.load();
    if (wantsHelp(rest)) {
      out.line((await import("./help/render-usage.ts")).renderUsage(entry, command));
      return 0;
    }
    const run = command.prepare(rest, entry);
    await run(await options.context());
    return 0;
  } catch (error) {
    const { formatError } = await import("./errors/format-error.ts");
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
