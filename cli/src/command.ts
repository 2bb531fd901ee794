import type { ArgsDef, ParsedArgs } from "citty";
import type { CommandGroup } from "./command-groups.ts";
import type { ClContext } from "./context.ts";
import { gatherListOptions, type ListOptionsDef, type ListValues } from "./parse/list-options.ts";
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

export type ClCommandDefinition<A extends ArgsDef, L extends ListOptionsDef> = CommandSyntax & {
  args: A;
  /**
   * Options among `args` (declared there as strings, for help) that take several values, with
   * their argparse arity; their values arrive as the third argument of `run`.
   */
  lists?: L;
  run(args: ParsedArgs<A>, ctx: ClContext, lists: ListValues<L>): Promise<void>;
};

/** One command, in its own file under commands/ and imported only when used. */
export type ClCommand = CommandSyntax & {
  /**
   * Checks the command line (usage errors surface here, before any state is read) and returns
   * the run. Keeps each command's argument types inside its own file.
   */
  prepare(rawArgs: readonly string[], entry: CommandEntry): (ctx: ClContext) => Promise<void>;
};

export function defineClCommand<const A extends ArgsDef, const L extends ListOptionsDef = Record<never, never>>(
  definition: ClCommandDefinition<A, L>,
): ClCommand {
  return {
    details: definition.details,
    args: definition.args,
    rest: definition.rest,
    prepare(rawArgs, entry) {
      const { rest, values } = gatherListOptions(
        definition.args,
        definition.lists ?? ({} as L),
        rawArgs,
        `see \`cl help ${entry.name}\``,
      );
      const args = parseCommandLine(entry, definition, rest);
      return (ctx) => definition.run(args, ctx, values);
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
