import { describe, expect, it } from "vitest";
import { normalizeAddress, resolveInstance, splitInstanceSpec } from "./instance-address.ts";

describe("instance addresses", () => {
  it("normalises addresses: lower-case host, no trailing slash", () => {
    expect(normalizeAddress("http://LocalHost:8787/")).toBe("http://localhost:8787");
    expect(normalizeAddress("https://example.org/codalab//")).toBe("https://example.org/codalab");
  });

  it.each([
    ["localhost:8787", "is not an http(s) address"],
    ["not a url", "is not a valid address"],
    ["ftp://x", "is not an http(s) address"],
    ["http://u:p@x", "should not contain credentials, a query or a fragment"],
    ["http://x/?a=1", "should not contain credentials, a query or a fragment"],
  ])("refuses %s", (raw, problem) => {
    expect(() => normalizeAddress(raw)).toThrow(problem);
  });

  it("resolves aliases, then full addresses, and refuses unknown names with a hint", () => {
    const aliases = { prod: "https://prod.example.org/" };
    expect(resolveInstance("prod", aliases)).toBe("https://prod.example.org");
    expect(resolveInstance("http://h:1", aliases)).toBe("http://h:1");
    expect(() => resolveInstance("staging", aliases)).toThrow(
      expect.objectContaining({ message: 'unknown instance alias "staging"', exitCode: 2 }),
    );
    expect(() => resolveInstance("toString", aliases)).toThrow('unknown instance alias "toString"');
  });

  it("splits instance and worksheet parts of a spec", () => {
    expect(splitInstanceSpec("localhost::")).toEqual({ instance: "localhost", rest: "" });
    expect(splitInstanceSpec("prod::home-alice")).toEqual({ instance: "prod", rest: "home-alice" });
    expect(splitInstanceSpec("http://h:8787::ws")).toEqual({ instance: "http://h:8787", rest: "ws" });
    expect(splitInstanceSpec("http://[::1]:8787::")).toEqual({ instance: "http://[::1]:8787", rest: "" });
    expect(splitInstanceSpec("home-alice")).toEqual({ instance: undefined, rest: "home-alice" });
  });
});
