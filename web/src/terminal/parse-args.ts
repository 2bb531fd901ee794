/**
 * `util.parseArgs` of Node, for the browser build of the web terminal: citty (the CLI's argument
 * parser) calls it, and Vite would otherwise hand it a stub that throws (web/vite.config.ts
 * aliases `node:util` here). Only what citty uses is implemented: `strict: false`,
 * `allowPositionals`, options with `type`, `short`, `multiple` and `default`; the tests check it
 * against Node's own.
 */
type OptionConfig = { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: unknown };

export type ParseArgsConfig = {
  args?: string[];
  options?: Record<string, OptionConfig>;
  strict?: boolean;
  allowPositionals?: boolean;
};

type Value = string | boolean;

export function parseArgs(config: ParseArgsConfig): { values: Record<string, Value | Value[]>; positionals: string[] } {
  const options = config.options ?? {};
  const remaining = [...(config.args ?? [])];
  const values: Record<string, Value | Value[]> = Object.create(null);
  const positionals: string[] = [];
  const longFor = (short: string) => Object.keys(options).find((name) => options[name]?.short === short) ?? short;
  const isString = (name: string) => options[name]?.type === "string";
  const store = (name: string, value: string | undefined) => {
    const stored: Value = value ?? true;
    if (options[name]?.multiple) {
      const list = values[name];
      values[name] = Array.isArray(list) ? [...list, stored] : [stored];
    } else values[name] = stored;
  };

  while (remaining.length > 0) {
    const arg = remaining.shift() as string;
    if (arg === "--") {
      positionals.push(...remaining);
      break;
    }
    if (arg.length === 2 && arg[0] === "-" && arg[1] !== "-") {
      const name = longFor(arg.charAt(1));
      store(name, isString(name) && remaining.length > 0 ? remaining.shift() : undefined);
    } else if (arg.startsWith("-") && !arg.startsWith("--") && arg.length > 2) {
      const first = longFor(arg.charAt(1));
      if (isString(first)) {
        store(first, arg.slice(2));
      } else {
        // A group of short flags (`-abc`); a string option inside takes the rest as its value.
        for (let index = 1; index < arg.length; index += 1) {
          const name = longFor(arg.charAt(index));
          if (isString(name) && index < arg.length - 1) {
            store(name, arg.slice(index + 1));
            break;
          }
          store(
            name,
            isString(name) && index === arg.length - 1 && remaining.length > 0 ? remaining.shift() : undefined,
          );
        }
      }
    } else if (arg.startsWith("--") && arg.length > 2) {
      const equals = arg.indexOf("=");
      if (equals !== -1) store(arg.slice(2, equals), arg.slice(equals + 1));
      else {
        const name = arg.slice(2);
        store(name, isString(name) && remaining.length > 0 ? remaining.shift() : undefined);
      }
    } else {
      positionals.push(arg);
    }
  }
  for (const [name, option] of Object.entries(options)) {
    if (option.default !== undefined && !(name in values)) values[name] = option.default as Value | Value[];
  }
  return { values, positionals };
}
