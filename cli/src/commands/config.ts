import { defineClCommand, JSON_ARG } from "../command.ts";
import { CliError, usageError } from "../errors/cli-error.ts";
import { checkConfig } from "../state/client-config.ts";
import { autoType, getConfigValue, parseConfigKey, removeConfigValue, setConfigValue } from "../state/config-keys.ts";

export default defineClCommand({
  details: [
    "  config <key>         : Shows the value of <key>.",
    "  config <key> <value> : Sets <key> to <value> (true, false and numbers are typed).",
    "  config -r <key>      : Removes <key>.",
    "Nested keys are separated by /, e.g. cli/verbose.",
  ],
  args: {
    key: { type: "positional", required: true, description: "Key to show or set (e.g., cli/verbose)." },
    value: { type: "positional", required: false, description: "Value to set (true, false, numbers are typed)." },
    remove: { type: "boolean", alias: "r", description: "Remove this key." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const path = parseConfigKey(args.key);
    const config = await ctx.config.load();
    if (args.remove) {
      if (args.value !== undefined) throw usageError("cl config -r takes only the key");
      if (!removeConfigValue(config, path)) throw notSet(args.key);
      await ctx.config.save(vetted(config, args.key));
      return;
    }
    if (args.value !== undefined) {
      setConfigValue(config, path, autoType(args.value));
      await ctx.config.save(vetted(config, args.key));
      return;
    }
    const value = getConfigValue(config, path);
    if (value === undefined) throw notSet(args.key);
    if (args.json) ctx.out.json(value);
    else ctx.out.line(typeof value === "string" ? value : JSON.stringify(value, null, 2));
  },
});

/** Refuses edits that would leave a config the next `cl` cannot read (e.g. `cl config aliases 3`). */
function vetted(config: Record<string, unknown>, key: string) {
  const checked = checkConfig(config);
  if (!checked.ok) throw usageError(`cannot change "${key}" that way: ${checked.problem}`);
  return checked.config;
}

function notSet(key: string): CliError {
  return new CliError("NOT_FOUND", `config key "${key}" is not set`, {
    hint: "set it with `cl config <key> <value>`",
  });
}
