import type { ArgsDef, ParsedArgs } from "citty";
import type { CommandGroup } from "./command-groups.ts";
import type { ClContext } from "./context.ts";
import { parseCommandLine } from "./parse-command-line.ts";

/** What `cl help <command>` shows and the parser checks against. */
export type CommandSyntax = {
  /** Lines after the summary in `cl help <command>`, CodaLab style ("  alias <name> : ..."). */
  details?: readonly string[];
  /** citty argument definitions; optional positionals need `required: false` (citty's default is required). */
  args: ArgsDef;
  /** Repeated trailing positionals (e.g. bundle_spec...); they arrive in `args._` after the named ones. */
  rest?: { name: string; description: string };
};

export type ClCommandDefinition<A extends ArgsDef> = CommandSyntax & {
  args: A;
  run(args: ParsedArgs<A>, ctx: ClContext): Promise<void>;
};

/** One command, in its own file under commands/ and imported only when used. */
export type ClCommand = CommandSyntax & {
  /**
   * Checks the command line (usage errors surface here, before any state is read) and returns
   * the run. Keeps each command's argument types inside its own file.
   */
  prepare(rawArgs: readonly string[], entry: CommandEntry): (ctx: ClContext) => Promise<void>;
};

export function defineClCommand<const A extends ArgsDef>(definition: ClCommandDefinition<A>): ClCommand {
  return {
    details: definition.details,
    args: definition.args,
    rest: definition.rest,
    prepare(rawArgs, entry) {
      const args = parseCommandLine(entry, definition, rawArgs);
      return (ctx) => definition.run(args, ctx);
    },
  };
}

/** What `cl help` needs without loading the command's module. */
export type CommandEntry = {
  name: string;
  aliases: readonly string[];
  group: CommandGroup;
  summary: string;
  load(): Promise<ClCommand>;
};

/** Shared by every command that prints data. */
export const JSON_ARG = { type: "boolean", description: "Print the result as JSON." } as const;
