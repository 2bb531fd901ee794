import { parseArgs as nodeParseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { type ParseArgsConfig, parseArgs } from "./parse-args.ts";

const options: NonNullable<ParseArgsConfig["options"]> = {
  name: { type: "string", short: "n" },
  tags: { type: "string", multiple: true },
  force: { type: "boolean", short: "f" },
  recursive: { type: "boolean", short: "r" },
  worksheet: { type: "string", short: "w", default: "home" },
  d: { type: "boolean" },
};

const CASES: string[][] = [
  [],
  ["run", "echo hi"],
  ["-n", "x", "pos"],
  ["--name", "x", "--name=y"],
  ["-nvalue"],
  ["-fr", "a"],
  ["-frn", "x"],
  ["-frnx"],
  ["--tags", "a", "--tags", "b"],
  ["--force", "--", "-n", "--x"],
  ["--unknown", "v", "-z", "--other=3"],
  ["-n"],
  ["--name"],
  ["-w", "-f"],
  ["-", "x"],
  ["--d", "--force=false"],
];

describe("parseArgs (browser stand-in for node:util)", () => {
  it.each(CASES)("reads %j as Node does", (...args) => {
    const config: ParseArgsConfig = { args, options, strict: false, allowPositionals: true };
    const ours = parseArgs(config);
    const node = nodeParseArgs(config as Parameters<typeof nodeParseArgs>[0]);
    expect({ values: { ...ours.values }, positionals: ours.positionals }).toEqual({
      values: { ...node.values },
      positionals: node.positionals,
    });
  });
});
