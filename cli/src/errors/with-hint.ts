import { CodalabError } from "../core-light.ts";
import { CliError, EXIT_FAILURE } from "./cli-error.ts";

/**
 * Gives an error the hint that fits the command that met it: the generic hint of its code (if
 * any) cannot know that a NOT_FOUND came from a run's dependency. Errors that carry their own
 * hint, codes the caller has no hint for, and failures that are not CodalabErrors pass unchanged.
 */
export function withHint(
  error: unknown,
  hintFor: (error: CodalabError) => string | undefined,
  exitCode = EXIT_FAILURE,
): unknown {
  if (!(error instanceof CodalabError) || (error instanceof CliError && error.hint !== undefined)) return error;
  const hint = hintFor(error);
  if (hint === undefined) return error;
  return new CliError(error.code, error.message, { hint, exitCode, cause: error });
}
