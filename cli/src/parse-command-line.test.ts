import { describe, expect, it } from "vitest";
import type { CommandEntry, CommandSyntax } from "./command.ts";
import { parseCommandLine } from "./parse-command-line.ts";

const ENTRY: CommandEntry = {
  name: "demo",
  aliases: [],
  group: "other",
  summary: "A command for these tests.",
  load: async () => {
    throw new Error("not loaded in these tests");
  },
};

const SYNTAX = {
  args: {
    target: { type: "positional", required: true, description: "What to act on." },
    name: { type: "string", alias: "n", description: "A name." },
    force: { type: "boolean", alias: "f", description: "Force it." },
    recursive: { type: "boolean", alias: "r", description: "Recurse." },
    uuidOnly: { type: "boolean", alias: "u", description: "Print only uuids." },
    store: { type: "string", alias: "bundle-store", description: "A store." },
    format: { type: "enum", options: ["table", "json"], description: "Output format." },
  },
} satisfies CommandSyntax;

function parse(...rawArgs: string[]) {
  return parseCommandLine(ENTRY, SYNTAX, rawArgs);
}

describe("parseCommandLine", () => {
  it("parses positionals, short and long options", () => {
    const args = parse("x", "-n", "nm", "--force", "--uuid-only", "--store=s1");
    expect(args).toMatchObject({ target: "x", name: "nm", force: true, uuidOnly: true, store: "s1" });
  });

  it("accepts clustered short flags and a value glued to a short option", () => {
    expect(parse("x", "-rf")).toMatchObject({ recursive: true, force: true });
    expect(parse("x", "-fnvalue")).toMatchObject({ force: true, name: "value" });
    expect(parse("x", "-fn", "value")).toMatchObject({ force: true, name: "value" });
  });

  it("accepts long aliases", () => {
    expect(parse("x", "--bundle-store", "s2")).toMatchObject({ store: "s2" });
  });

  it("refuses an option without its value", () => {
    expect(() => parse("x", "--name")).toThrow("option --name needs a value");
    expect(() => parse("x", "-n", "--force")).toThrow("option -n needs a value");
    expect(() => parse("x", "-fn")).toThrow("option -n needs a value");
  });

  it("takes a value starting with - when written with =", () => {
    expect(parse("x", "--name=-odd")).toMatchObject({ name: "-odd" });
  });

  it("takes a negative number as an option's value, as argparse does", () => {
    expect(parse("x", "--name", "-2")).toMatchObject({ name: "-2" });
    expect(parse("x", "-n", "-1.5")).toMatchObject({ name: "-1.5" });
  });

  it("treats a lone - as a positional (stdin, by convention)", () => {
    expect(parse("-")).toMatchObject({ target: "-" });
  });

  it("refuses --no- for options that are not boolean", () => {
    expect(() => parse("x", "--no-name")).toThrow("unknown option --no-name");
    expect(parse("x", "--no-force")).toMatchObject({ force: false });
  });

  it("reports an enum value out of range as a usage error without colour codes", () => {
    let caught: unknown;
    try {
      parse("x", "--format", "xml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ exitCode: 2, hint: "see `cl help demo`" });
    expect(String((caught as Error).message)).not.toContain("\u001b[");
    expect((caught as Error).message).toContain("Invalid value for argument: --format (xml)");
  });

  it("lets commands with trailing positionals take more arguments", () => {
    const args = parseCommandLine(ENTRY, { ...SYNTAX, rest: { name: "more", description: "More." } }, ["x", "y", "z"]);
    expect(args._).toEqual(["x", "y", "z"]);
  });
});
