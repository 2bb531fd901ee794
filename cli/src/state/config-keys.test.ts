import { describe, expect, it } from "vitest";
import { autoType, getConfigValue, parseConfigKey, removeConfigValue, setConfigValue } from "./config-keys.ts";

describe("autoType", () => {
  it.each([
    ["true", true],
    ["false", false],
    ["3", 3],
    ["-12", -12],
    ["2.5", 2.5],
    [".5", 0.5],
    ["1e3", 1000],
    ["True", "True"],
    ["1.2.3", "1.2.3"],
    ["inf", "inf"],
    ["", ""],
    ["http://x", "http://x"],
  ])("types %j as %j, like CodaLab", (raw, expected) => {
    expect(autoType(raw)).toBe(expected);
  });
});

describe("parseConfigKey", () => {
  it("splits nested keys on /", () => {
    expect(parseConfigKey("cli/verbose")).toEqual(["cli", "verbose"]);
  });

  it("refuses empty segments with a usage error", () => {
    expect(() => parseConfigKey("cli//verbose")).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseConfigKey("/cli")).toThrow('invalid config key "/cli"');
  });

  it("refuses keys that would reach object internals", () => {
    expect(() => parseConfigKey("__proto__/polluted")).toThrow('"__proto__" cannot be used in a config key');
  });
});

describe("config values", () => {
  it("reads nested values and reports missing ones as undefined", () => {
    const config = { cli: { verbose: 1 } };
    expect(getConfigValue(config, ["cli", "verbose"])).toBe(1);
    expect(getConfigValue(config, ["cli"])).toEqual({ verbose: 1 });
    expect(getConfigValue(config, ["cli", "missing"])).toBeUndefined();
    expect(getConfigValue(config, ["cli", "verbose", "deeper"])).toBeUndefined();
    expect(getConfigValue(config, ["toString"])).toBeUndefined();
  });

  it("creates the sections on the way when setting", () => {
    const config: Record<string, unknown> = {};
    setConfigValue(config, ["server", "email", "port"], 587);
    expect(config).toEqual({ server: { email: { port: 587 } } });
  });

  it("refuses to set below a key that holds a value", () => {
    const config = { cli: { verbose: 1 } };
    expect(() => setConfigValue(config, ["cli", "verbose", "level"], 2)).toThrow(
      'config key "cli/verbose" holds a value, not a section',
    );
  });

  it("removes keys and says whether there was one", () => {
    const config: Record<string, unknown> = { cli: { verbose: 1, other: 2 } };
    expect(removeConfigValue(config, ["cli", "verbose"])).toBe(true);
    expect(config).toEqual({ cli: { other: 2 } });
    expect(removeConfigValue(config, ["cli", "verbose"])).toBe(false);
    expect(removeConfigValue(config, ["nowhere", "verbose"])).toBe(false);
    expect(config).toEqual({ cli: { other: 2 } });
  });
});
