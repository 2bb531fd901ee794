import { describe, expect, it } from "vitest";
import { gatherListOptions } from "./list-options.ts";

const ARGS = {
  exclude: { type: "string", alias: "x" },
  tags: { type: "string", alias: "T" },
  field: { type: "string", alias: "f" },
  name: { type: "string", alias: "n" },
} as const;
const LISTS = { exclude: "*", tags: "+", field: 2 } as const;

function gather(...argv: string[]) {
  return gatherListOptions(ARGS, LISTS, argv, "see `cl help demo`");
}

describe("options with several values", () => {
  it("take every following argument up to the next option", () => {
    expect(gather("a", "-x", "*.o", "*.pyc", "-n", "x")).toEqual({
      rest: ["a", "-n", "x"],
      values: { exclude: ["*.o", "*.pyc"] },
    });
  });

  it("leave options that were not given undefined, and an empty list for a bare `*` option", () => {
    expect(gather("a").values).toEqual({});
    expect(gather("-x").values).toEqual({ exclude: [] });
  });

  it("add up when repeated, and accept --option=value and kebab-case names", () => {
    expect(gather("--tags", "a", "--tags=b", "-T", "c").values).toEqual({ tags: ["a", "b", "c"] });
  });

  it("take exactly N values for a fixed arity, values starting with - included only as --option=", () => {
    expect(gather("-f", "k", "v", "rest", "-f", "k2", "v2")).toEqual({
      rest: ["rest"],
      values: { field: ["k", "v", "k2", "v2"] },
    });
    expect(() => gather("-f", "k")).toThrow("option -f needs 2 values");
    expect(() => gather("--field=k")).toThrow("option --field takes 2 values");
  });

  it("refuses a `+` option without values, stops at `--` and keeps negative numbers as values", () => {
    expect(() => gather("--tags", "-n", "x")).toThrow("option --tags needs at least one value");
    expect(gather("-x", "-1", "--", "-x", "y")).toEqual({ rest: ["--", "-x", "y"], values: { exclude: ["-1"] } });
  });
});
