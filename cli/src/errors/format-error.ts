import { CodalabError } from "../core-light.ts";
import { CliError, EXIT_FAILURE } from "./cli-error.ts";
import { hintForCode } from "./error-hints.ts";

export type FormattedError = {
  /** `error: ...`, then `hint: ...` when there is one, then the stack when debugging. */
  lines: string[];
  exitCode: number;
};

/** The one way any failure reaches the user (style habit 4): never a stack trace unless debugging. */
export function formatError(error: unknown, options: { debug: boolean }): FormattedError {
  const { message, hint, exitCode, isBug } = describe(error);
  const lines = [`error: ${message}`];
  if (hint) lines.push(`hint: ${hint}`);
  if (options.debug && error instanceof Error && error.stack) {
    lines.push(error.stack);
    if (error.cause !== undefined) lines.push(`cause: ${inspectCause(error.cause)}`);
  } else if (isBug && !hint) {
    lines.push("hint: this is a bug in cl: run again with CODALAB_DEBUG=1 to see where it happened");
  }
  return { lines, exitCode };
}

function describe(error: unknown): { message: string; hint?: string; exitCode: number; isBug: boolean } {
  if (error instanceof CliError) {
    return {
      message: error.message,
      hint: error.hint ?? hintForCode(error.code),
      exitCode: error.exitCode,
      isBug: false,
    };
  }
  if (error instanceof CodalabError) {
    return {
      message: error.message,
      hint: hintForCode(error.code, requestIdOf(error)),
      exitCode: EXIT_FAILURE,
      isBug: false,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: message || "unexpected failure", exitCode: EXIT_FAILURE, isBug: true };
}

function requestIdOf(error: CodalabError): string | undefined {
  const details = error.details;
  if (typeof details !== "object" || details === null || !("requestId" in details)) return undefined;
  return typeof details.requestId === "string" ? details.requestId : undefined;
}

function inspectCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  try {
    return JSON.stringify(cause);
  } catch {
    return String(cause);
  }
}
