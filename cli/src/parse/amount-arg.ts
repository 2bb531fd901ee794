import { CodalabError } from "../core-light.ts";
import { usageError } from "../errors/cli-error.ts";

/** A quota flag's value (`-t 3d`, `-d 10g`) through core's parser; a bad one is a usage error naming the flag. */
export function amountArg(flag: string, text: string, parse: (text: string) => number, example: string): number {
  try {
    const value = Math.round(parse(text));
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } catch (error) {
    if (!(error instanceof CodalabError)) throw error;
  }
  throw usageError(`${flag}: cannot read ${JSON.stringify(text)} as an amount`, `for example: ${flag} ${example}`);
}
