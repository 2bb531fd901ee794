import { describe, expect, it } from "vitest";
import { formatTargetSpec, parseTargetSpec } from "./target-spec.ts";

describe("parseTargetSpec", () => {
  it("reads a bare bundle as the whole bundle", () => {
    const target = parseTargetSpec("run1");
    expect(target.bundleText).toBe("run1");
    expect(target.subpath).toBe("");
    expect(target.bundle.ref).toMatchObject({ kind: "name", name: "run1" });
  });

  it("splits the subpath at the first / after the bundle", () => {
    const target = parseTargetSpec("^2/output/model.pt");
    expect(target).toMatchObject({
      bundleText: "^2",
      subpath: "output/model.pt",
      bundle: { ref: { kind: "index", index: 2 } },
    });
  });

  it("reads ws//bundle/sub forms", () => {
    const target = parseTargetSpec("papers//data/train.csv");
    expect(target.bundleText).toBe("papers//data");
    expect(target.bundle.worksheet).toEqual({ kind: "name", name: "papers" });
    expect(target.subpath).toBe("train.csv");
  });

  it("reads alias::ws//bundle/sub forms", () => {
    const target = parseTargetSpec("main::myws//data/train.csv");
    expect(target.bundleText).toBe("main::myws//data");
    expect(target.bundle.instance).toBe("main");
    expect(target.subpath).toBe("train.csv");
  });

  it("keeps an address instance whole", () => {
    const target = parseTargetSpec("https://worksheets.codalab.org::ws//b/x");
    expect(target.bundle.instance).toBe("https://worksheets.codalab.org");
    expect(target.bundleText).toBe("https://worksheets.codalab.org::ws//b");
    expect(target.subpath).toBe("x");
  });

  it("treats a // after a subpath slash as part of the path, not a worksheet", () => {
    const target = parseTargetSpec("data/dir//file");
    expect(target.bundleText).toBe("data");
    expect(target.bundle.worksheet).toBeNull();
    expect(target.subpath).toBe("dir/file");
  });

  it("normalizes the subpath", () => {
    expect(parseTargetSpec("run1/./out/").subpath).toBe("out");
    expect(parseTargetSpec("run1/").subpath).toBe("");
  });

  it("refuses a subpath that climbs out of the bundle", () => {
    expect(() => parseTargetSpec("run1/../x")).toThrow(
      expect.objectContaining({
        code: "INVALID_PATH",
        message: expect.stringContaining("invalid target spec 'run1/../x'"),
      }),
    );
  });

  it("refuses a missing bundle", () => {
    expect(() => parseTargetSpec("/etc/passwd")).toThrow(
      expect.objectContaining({ code: "INVALID_SPEC", message: expect.stringContaining("the bundle is missing") }),
    );
    expect(() => parseTargetSpec("ws///x")).toThrow(expect.objectContaining({ code: "INVALID_SPEC" }));
    expect(() => parseTargetSpec(" ")).toThrow(
      expect.objectContaining({ code: "INVALID_SPEC", message: expect.stringContaining("empty target spec") }),
    );
  });

  it("passes bundle-part errors through", () => {
    expect(() => parseTargetSpec("a b/c")).toThrow(
      expect.objectContaining({ code: "INVALID_SPEC", message: expect.stringContaining("invalid bundle spec 'a b'") }),
    );
  });
});

describe("formatTargetSpec", () => {
  it("joins a bundle and a subpath", () => {
    expect(formatTargetSpec("ws//run", "out/x")).toBe("ws//run/out/x");
    expect(formatTargetSpec("run", "")).toBe("run");
  });
});
