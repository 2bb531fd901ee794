import { CodalabError, type ErrorCode } from "../core-light.ts";

/** Exit status for a failed command, and for a command line that could not be understood. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export type CliErrorOptions = {
  /** One line telling the user how to fix it, printed as `hint: ...`. */
  hint?: string;
  exitCode?: number;
  cause?: unknown;
};

/** A CodalabError raised by the client itself, carrying its own hint and exit status. */
export class CliError extends CodalabError {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: CliErrorOptions = {}) {
    super(code, message);
    this.name = "CliError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** The command line itself is wrong: exit status 2, like argparse. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError("BAD_REQUEST", message, { hint, exitCode: EXIT_USAGE });
}
