import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { renderCommandList, renderFullReference } from "../help/render-help.ts";
import { renderUsage } from "../help/render-usage.ts";
import { COMMANDS, findCommand } from "./command-list.ts";

export default defineClCommand({
  details: [
    "  help           : Show brief description for all commands.",
    "  help -v        : Show full usage information for all commands.",
    "  help -v -m     : Show full usage information for all commands in Markdown format.",
    "  help <command> : Show full usage information for <command>.",
  ],
  args: {
    command: { type: "positional", required: false, description: "Name of the command to look up." },
    verbose: { type: "boolean", alias: "v", description: "Display all options of all commands." },
    markdown: { type: "boolean", alias: "m", description: "Print the full reference in Markdown." },
  },
  async run(args, ctx) {
    if (args.command) {
      const entry = findCommand(args.command);
      if (!entry) throw usageError(`unknown command "${args.command}"`, "run `cl help` to list the commands");
      ctx.out.line(renderUsage(entry, await entry.load()));
      return;
    }
    if (!args.verbose && !args.markdown) {
      ctx.out.line(renderCommandList(COMMANDS));
      return;
    }
    const loaded = await Promise.all(COMMANDS.map(async (entry) => ({ entry, command: await entry.load() })));
    ctx.out.line(renderFullReference(loaded, args.markdown === true));
  },
});
