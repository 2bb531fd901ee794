import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeNextPath, withNext } from "./safe-next-path.ts";

describe("safeNextPath", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeNextPath("/worksheets/0x12?x=1#top")).toBe("/worksheets/0x12?x=1#top");
  });

  it("takes the first value when the parameter is repeated", () => {
    expect(safeNextPath(["/a", "/b"])).toBe("/a");
  });

  it("refuses addresses on other sites", () => {
    for (const next of ["https://evil.example/", "//evil.example", "/\\evil.example", "evil", "javascript:alert(1)"]) {
      expect(safeNextPath(next)).toBe(DEFAULT_AFTER_SIGN_IN);
    }
  });

  it("refuses paths with control characters", () => {
    expect(safeNextPath("/a\nb")).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNextPath("/a\u007f")).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it("does not send a signed-in user back to the sign-in or sign-up page", () => {
    expect(safeNextPath("/account/login?next=/x")).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNextPath("/account/signup")).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNextPath("/account/signup/success")).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNextPath("/account/loginx")).toBe("/account/loginx");
  });

  it("uses the given fallback for a missing or non-string parameter", () => {
    expect(safeNextPath(undefined, "/")).toBe("/");
    expect(safeNextPath(42)).toBe(DEFAULT_AFTER_SIGN_IN);
  });
});

describe("withNext", () => {
  it("adds an encoded next parameter for a page worth coming back to", () => {
    expect(withNext("/account/login", "/worksheets?name=a b")).toBe("/account/login?next=%2Fworksheets%3Fname%3Da%20b");
  });

  it("leaves the parameter out for the home page, the default and refused paths", () => {
    expect(withNext("/account/login", "/")).toBe("/account/login");
    expect(withNext("/account/login", DEFAULT_AFTER_SIGN_IN)).toBe("/account/login");
    expect(withNext("/account/login", "//evil.example")).toBe("/account/login");
    expect(withNext("/account/signup", undefined)).toBe("/account/signup");
  });
});
