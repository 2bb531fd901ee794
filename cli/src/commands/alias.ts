import { defineClCommand, JSON_ARG } from "../command.ts";
import { NAME_REGEX, NAME_RULE_TEXT } from "../core-light.ts";
import { CliError, usageError } from "../errors/cli-error.ts";
import { normalizeAddress } from "../state/instance-address.ts";

export default defineClCommand({
  details: [
    "  alias                   : List all aliases.",
    "  alias <name>            : Shows which instance <name> is bound to.",
    "  alias <name> <instance> : Binds <name> to <instance>.",
    "  alias -r <name>         : Removes the alias <name>.",
  ],
  args: {
    name: { type: "positional", required: false, description: "Name of the alias (e.g., localhost)." },
    instance: {
      type: "positional",
      required: false,
      description: "Instance to bind the alias to (e.g., http://localhost:8787).",
    },
    remove: { type: "boolean", alias: "r", description: "Remove this alias." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const config = await ctx.config.load();
    const { name, instance } = args;
    if (args.remove) {
      if (!name) throw usageError("say which alias to remove: cl alias -r <name>");
      if (instance) throw usageError("cl alias -r takes only the alias name");
      if (!Object.hasOwn(config.aliases, name)) throw unknownAlias(name);
      delete config.aliases[name];
      await ctx.config.save(config);
      return;
    }
    if (name && instance) {
      if (!NAME_REGEX.test(name)) throw usageError(`invalid alias name "${name}": alias names ${NAME_RULE_TEXT}`);
      config.aliases[name] = normalizeAddress(instance);
      await ctx.config.save(config);
      return;
    }
    if (name) {
      const address = Object.hasOwn(config.aliases, name) ? config.aliases[name] : undefined;
      if (address === undefined) throw unknownAlias(name);
      if (args.json) ctx.out.json({ name, address });
      else ctx.out.line(`${name}: ${address}`);
      return;
    }
    if (args.json) {
      ctx.out.json(config.aliases);
      return;
    }
    for (const [alias, address] of Object.entries(config.aliases)) ctx.out.line(`${alias}: ${address}`);
  },
});

function unknownAlias(name: string): CliError {
  return new CliError("NOT_FOUND", `no alias named "${name}"`, { hint: "list the aliases with `cl alias`" });
}
