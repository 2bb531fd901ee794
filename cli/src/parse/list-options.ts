/**
 * Options that take several values, argparse's `nargs` (`cl upload -x '*.o' '*.pyc'`,
 * `cl edit -f KEY VALUE`): citty keeps one value per option, so these are taken out of the
 * command line before it parses the rest. As in argparse, `*`/`+` options take every following
 * argument up to the next option or `--`; a repeated option adds to the values given before.
 */
import type { ArgsDef } from "citty";
import { usageError } from "../errors/cli-error.ts";
import { kebabCase } from "../kebab-case.ts";

/** `*`: any number of values, `+`: at least one, a number: exactly that many per occurrence. */
export type ListArity = "*" | "+" | number;
export type ListOptionsDef = Record<string, ListArity>;
/** Values per list option; undefined when the option was not given at all. */
export type ListValues<L extends ListOptionsDef> = { [K in keyof L]: string[] | undefined };

export function gatherListOptions<L extends ListOptionsDef>(
  args: ArgsDef,
  lists: L,
  rawArgs: readonly string[],
  help: string,
): { rest: string[]; values: ListValues<L> } {
  const flags = new Map<string, keyof L & string>();
  for (const name of Object.keys(lists)) {
    const def = args[name];
    flags.set(`--${name}`, name);
    flags.set(`--${kebabCase(name)}`, name);
    const aliases = def && "alias" in def && def.alias !== undefined ? [def.alias].flat() : [];
    for (const alias of aliases) flags.set(alias.length === 1 ? `-${alias}` : `--${alias}`, name);
  }
  const values: Partial<Record<keyof L, string[]>> = {};
  const rest: string[] = [];
  for (let index = 0; index < rawArgs.length; index += 1) {
    const arg = rawArgs[index] ?? "";
    if (arg === "--") {
      rest.push(...rawArgs.slice(index));
      break;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = flags.get(equals === -1 ? arg : arg.slice(0, equals));
    if (name === undefined) {
      rest.push(arg);
      continue;
    }
    const arity = lists[name] ?? "*";
    const collected = values[name] ?? [];
    values[name] = collected;
    if (equals !== -1) {
      if (typeof arity === "number" && arity !== 1)
        throw usageError(`option ${arg.slice(0, equals)} takes ${arity} values`, help);
      collected.push(arg.slice(equals + 1));
      continue;
    }
    const taken: string[] = [];
    while (index + 1 < rawArgs.length) {
      const next = rawArgs[index + 1] ?? "";
      if (typeof arity === "number" ? taken.length === arity : looksLikeOption(next)) break;
      if (typeof arity === "number" && looksLikeOption(next)) break;
      taken.push(next);
      index += 1;
    }
    if (typeof arity === "number" && taken.length !== arity) {
      throw usageError(
        `option ${arg} needs ${arity} values`,
        `${help} (write --option=VALUE for a value starting with -)`,
      );
    }
    if (arity === "+" && taken.length === 0) throw usageError(`option ${arg} needs at least one value`, help);
    collected.push(...taken);
  }
  return { rest, values: values as ListValues<L> };
}

/** argparse's rule: `-x`, `--x` and `--` are options, `-` and negative numbers are values. */
function looksLikeOption(arg: string): boolean {
  return arg.startsWith("-") && arg !== "-" && !/^-\d+(\.\d+)?$/.test(arg);
}
