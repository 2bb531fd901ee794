import { describe, expect, it } from "vitest";
import { readCookie } from "./read-cookie.ts";

describe("readCookie", () => {
  it("finds a cookie among others, ignoring spaces around it", () => {
    expect(readCookie("a=1; codalab_csrf=abc123 ;b=2", "codalab_csrf")).toBe("abc123");
  });

  it("returns undefined when the cookie is absent or the string is empty", () => {
    expect(readCookie("a=1; b=2", "codalab_csrf")).toBeUndefined();
    expect(readCookie("", "codalab_csrf")).toBeUndefined();
  });

  it("does not match a cookie whose name only ends with the wanted name", () => {
    expect(readCookie("x_codalab_csrf=nope", "codalab_csrf")).toBeUndefined();
  });

  it("skips parts without an equals sign", () => {
    expect(readCookie("garbage; codalab_csrf=ok", "codalab_csrf")).toBe("ok");
  });

  it("decodes percent-encoding and strips surrounding quotes", () => {
    expect(readCookie("t=a%2Bb%3D", "t")).toBe("a+b=");
    expect(readCookie('t="quoted"', "t")).toBe("quoted");
  });

  it("keeps a value with an equals sign in it whole", () => {
    expect(readCookie("t=abc==", "t")).toBe("abc==");
  });

  it("returns a malformed percent-encoding as it is rather than failing", () => {
    expect(readCookie("t=%E0%A4%A", "t")).toBe("%E0%A4%A");
  });
});
