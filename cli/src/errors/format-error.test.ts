import { describe, expect, it } from "vitest";
import { CodalabError } from "../core-light.ts";
import { CliError, usageError } from "./cli-error.ts";
import { formatError } from "./format-error.ts";

describe("formatError", () => {
  it("prints the message and the error's own hint, exiting 1", () => {
    const error = new CliError("UNAVAILABLE", "cannot reach http://x", { hint: "start it" });
    expect(formatError(error, { debug: false })).toEqual({
      lines: ["error: cannot reach http://x", "hint: start it"],
      exitCode: 1,
    });
  });

  it("exits 2 for usage errors", () => {
    expect(formatError(usageError("missing argument <key>"), { debug: false })).toEqual({
      lines: ["error: missing argument <key>"],
      exitCode: 2,
    });
  });

  it("adds a hint for server error codes that have one", () => {
    const error = new CodalabError("INVALID_CREDENTIALS", "wrong user name or password");
    expect(formatError(error, { debug: false }).lines).toEqual([
      "error: wrong user name or password",
      "hint: check the user name and password (CODALAB_USERNAME and CODALAB_PASSWORD, if set)",
    ]);
  });

  it("prints no hint line for codes without one", () => {
    expect(formatError(new CodalabError("NOT_FOUND", "no bundle x"), { debug: false }).lines).toEqual([
      "error: no bundle x",
    ]);
  });

  it("asks for the request id when the server failed", () => {
    const error = new CodalabError("INTERNAL", "internal error", { requestId: "abc123" });
    expect(formatError(error, { debug: false }).lines[1]).toBe(
      "hint: this is a bug in the server: report it to the instance's administrators and mention request id abc123",
    );
    expect(formatError(new CodalabError("INTERNAL", "boom"), { debug: false }).lines[1]).toBe(
      "hint: this is a bug in the server: report it to the instance's administrators",
    );
  });

  it("shows a bug in cl as one line without a stack trace", () => {
    const { lines, exitCode } = formatError(new TypeError("x is undefined"), { debug: false });
    expect(lines).toEqual([
      "error: x is undefined",
      "hint: this is a bug in cl: run again with CODALAB_DEBUG=1 to see where it happened",
    ]);
    expect(exitCode).toBe(1);
    expect(formatError("thrown text", { debug: false }).lines[0]).toBe("error: thrown text");
  });

  it("adds the stack and the cause when debugging", () => {
    const error = new CliError("UNAVAILABLE", "cannot reach x", { cause: { code: "ECONNREFUSED" } });
    const { lines } = formatError(error, { debug: true });
    expect(lines[0]).toBe("error: cannot reach x");
    expect(lines.some((line) => line.includes("at "))).toBe(true);
    expect(lines.at(-1)).toBe('cause: {"code":"ECONNREFUSED"}');
  });
});
