import { describe, expect, it } from "vitest";
import { CodalabError } from "../core-light.ts";
import { accountHint, withAccountHints } from "./account-hints.ts";
import { CliError } from "./cli-error.ts";

/** As the API client rebuilds a server error: the server's details nested under `details`. */
const serverError = (code: ConstructorParameters<typeof CodalabError>[0], details?: unknown) =>
  new CodalabError(code, "from the server", { requestId: "r1", details });

describe("accountHint", () => {
  it("says how to find users and groups that were not found", () => {
    expect(accountHint("uadd", serverError("NOT_FOUND", { kind: "user", spec: "x" }))).toContain("cl uls");
    expect(accountHint("perm", serverError("NOT_FOUND", { kind: "group", spec: "x" }))).toContain("cl gls");
    expect(accountHint("urm", serverError("NOT_FOUND", { kind: "membership" }))).toContain("cl ginfo");
    expect(accountHint("perm", serverError("NOT_FOUND", { uuid: "0x1" }))).toBeUndefined();
  });

  it("explains the owner rules and points bad values to the command's help", () => {
    expect(accountHint("uadd", serverError("CONFLICT"))).toContain("cl grm");
    expect(accountHint("uedit", serverError("VALIDATION_FAILED"))).toBe("see `cl help uedit`");
  });

  it("leaves codes with a generic hint alone", () => {
    expect(accountHint("perm", serverError("FORBIDDEN"))).toBeUndefined();
  });
});

describe("withAccountHints", () => {
  it("gives a failure its hint, and keeps a hint the command chose", async () => {
    const failed = withAccountHints("gnew", () => Promise.reject(serverError("ALREADY_EXISTS")));
    await expect(failed).rejects.toMatchObject({ hint: "see `cl help gnew`" });
    const own = new CliError("CONFLICT", "mine", { hint: "my hint" });
    await expect(withAccountHints("ufarewell", () => Promise.reject(own))).rejects.toBe(own);
  });
});
