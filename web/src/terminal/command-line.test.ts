import { describe, expect, it } from "vitest";
import { browserRefusal, completeLine, mayChangeWorksheet, parseLine } from "./command-line.ts";

describe("parseLine", () => {
  it("splits like a shell and drops a leading cl", () => {
    expect(parseLine(`cl run 'echo "hi there"' -n x`)).toEqual({
      ok: true,
      argv: ["run", 'echo "hi there"', "-n", "x"],
    });
    expect(parseLine("search .mine")).toEqual({ ok: true, argv: ["search", ".mine"] });
    expect(parseLine("   ")).toEqual({ ok: true, argv: [] });
  });

  it("reports an unclosed quote", () => {
    expect(parseLine("cl add text 'oops")).toEqual({ ok: false, message: "No closing quotation" });
  });
});

describe("completeLine", () => {
  const commands = ["search", "status", "upload", "info"];
  const bundles = ["train-data", "train-run", "eval"];

  it("completes a unique command with a space", () => {
    expect(completeLine("inf", commands, bundles)).toEqual({ line: "info ", choices: [] });
    expect(completeLine("cl up", commands, bundles)).toEqual({ line: "cl upload ", choices: [] });
  });

  it("completes to the common prefix and lists the choices", () => {
    expect(completeLine("s", commands, bundles)).toEqual({ line: "s", choices: ["search", "status"] });
    expect(completeLine("st", commands, bundles)).toEqual({ line: "status ", choices: [] });
  });

  it("completes later words from the worksheet's bundles", () => {
    expect(completeLine("cl info tr", commands, bundles)).toEqual({
      line: "cl info train-",
      choices: ["train-data", "train-run"],
    });
    expect(completeLine("info ev", commands, bundles)).toEqual({ line: "info eval ", choices: [] });
    expect(completeLine("info zz", commands, bundles)).toEqual({ line: "info zz", choices: [] });
  });
});

describe("mayChangeWorksheet", () => {
  it("tells reads from changes", () => {
    expect(mayChangeWorksheet(["search", ".mine"])).toBe(false);
    expect(mayChangeWorksheet(["add", "text", "x"])).toBe(true);
    expect(mayChangeWorksheet(["run", "--help"])).toBe(false);
    expect(mayChangeWorksheet([])).toBe(false);
  });
});

describe("browserRefusal", () => {
  it("refuses upload (and its alias) with the page's way to do it", () => {
    expect(browserRefusal(["upload", "x"])?.hint).toMatch(/Upload button/);
    expect(browserRefusal(["up", "x"])).toBeDefined();
    expect(browserRefusal(["search"])).toBeUndefined();
    expect(browserRefusal([])).toBeUndefined();
  });
});
