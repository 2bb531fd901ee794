import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import {
  DEFAULT_CONTENTS_MAX_LINES,
  DEFAULT_GRAPH_MAX_LINES,
  fileTarget,
  parseDirective,
  parseDisplay,
  quoteToken,
  tokenizeDirective,
  tokensToString,
} from "./directive-tokens.ts";

const parse = (text: string) => parseDirective(tokenizeDirective(text));

describe("tokenizing directives", () => {
  it("splits on whitespace and keeps quoted spaces, like shlex", () => {
    expect(tokenizeDirective("display table  default")).toEqual(["display", "table", "default"]);
    expect(tokenizeDirective(`add "dataset size" data_size size`)).toEqual([
      "add",
      "dataset size",
      "data_size",
      "size",
    ]);
    expect(tokenizeDirective(`add created created "date | [0:4]"`)).toEqual([
      "add",
      "created",
      "created",
      "date | [0:4]",
    ]);
    expect(tokenizeDirective(`add error "/stats.json:error rate" %.3f`)).toEqual([
      "add",
      "error",
      "/stats.json:error rate",
      "%.3f",
    ]);
  });

  it("applies POSIX quoting and escaping rules", () => {
    expect(tokenizeDirective(`a'b c'd`)).toEqual(["ab cd"]);
    expect(tokenizeDirective(`'' x`)).toEqual(["", "x"]);
    expect(tokenizeDirective(`a\\ b`)).toEqual(["a b"]);
    expect(tokenizeDirective(`"say \\"hi\\" \\\\ \\n"`)).toEqual([`say "hi" \\ \\n`]);
    expect(tokenizeDirective(`'it\\'s`)).toEqual(["it\\s"]);
    expect(tokenizeDirective("   ")).toEqual([]);
  });

  it("refuses unclosed quotes and a trailing backslash", () => {
    expect(() => tokenizeDirective(`add "oops`)).toThrow(/No closing quotation/);
    expect(() => tokenizeDirective(`add 'oops`)).toThrow(CodalabError);
    expect(() => tokenizeDirective("add oops\\")).toThrow(/No escaped character/);
  });

  it("quotes tokens like Python's pipes.quote", () => {
    expect(quoteToken("")).toBe("''");
    expect(quoteToken("/stats.json:acc")).toBe("/stats.json:acc");
    expect(quoteToken("%.3f")).toBe("%.3f");
    expect(quoteToken("date | [0:4]")).toBe("'date | [0:4]'");
    expect(quoteToken("it's")).toBe(`'it'"'"'s'`);
    expect(tokensToString(["display", "table", "my schema"])).toBe("display table 'my schema'");
  });

  it("round-trips any tokens through quoting", () => {
    const tokens = ["add", "it's", 'a "b"', "", "%d %%", "x\\y", "ünï cødé"];
    expect(tokenizeDirective(tokensToString(tokens))).toEqual(tokens);
  });
});

describe("parsing directives", () => {
  it("reads comments stored as a first token `%`, and empty directives as comments", () => {
    expect(parse("% ' a comment'")).toEqual({ kind: "comment", text: " a comment" });
    expect(parse("")).toEqual({ kind: "comment", text: "" });
  });

  it("reads schema, addschema and the three forms of add", () => {
    expect(parse("schema s1")).toEqual({ kind: "schema", name: "s1" });
    expect(parse("addschema default")).toEqual({ kind: "addschema", name: "default" });
    expect(parse("add /stats:errorRate")).toEqual({ kind: "add", args: ["/stats:errorRate"] });
    expect(parse("add output /stdout")).toEqual({ kind: "add", args: ["output", "/stdout"] });
    expect(parse("add time time duration")).toEqual({ kind: "add", args: ["time", "time", "duration"] });
  });

  it("refuses schema directives without a name and add with the wrong number of arguments", () => {
    expect(() => parse("schema")).toThrow("`schema` missing name");
    expect(() => parse("addschema")).toThrow("`addschema` missing name");
    expect(() => parse("add")).toThrow(/1 to 3 arguments/);
    expect(() => parse("add a b c d")).toThrow(/got 4/);
  });

  it("reads search and wsearch keywords", () => {
    expect(parse("search type=run .mine .limit=5")).toEqual({
      kind: "search",
      keywords: ["type=run", ".mine", ".limit=5"],
    });
    expect(parse("wsearch tag=paper")).toEqual({ kind: "wsearch", keywords: ["tag=paper"] });
    expect(parse("search")).toEqual({ kind: "search", keywords: [] });
  });

  it("refuses unknown directives, including the removed `% title`", () => {
    expect(() => parse("title My worksheet")).toThrow("unknown directive `title`");
    expect(() => parse("hidden")).toThrow(CodalabError);
  });
});

describe("parsing display directives", () => {
  it("defaults tables and records to the default schema and keeps several schemas", () => {
    expect(parse("display table")).toEqual({ kind: "display", display: { mode: "table", schemas: ["default"] } });
    expect(parseDisplay(["table", "simple1", "owner:owner_name"])).toEqual({
      mode: "table",
      schemas: ["simple1", "owner:owner_name"],
    });
    expect(parseDisplay(["record", "run"])).toEqual({ mode: "record", schemas: ["run"] });
  });

  it("reads contents with maxlines", () => {
    expect(parseDisplay(["contents", "/stdout"])).toEqual({
      mode: "contents",
      target: "stdout",
      max_lines: DEFAULT_CONTENTS_MAX_LINES,
    });
    expect(parseDisplay(["contents", "/stdout", "maxlines=100"])).toEqual({
      mode: "contents",
      target: "stdout",
      max_lines: 100,
    });
  });

  it("reads images with width and height, and `/` as the bundle itself", () => {
    expect(parseDisplay(["image", "/output.png", "width=300", "height=50"])).toEqual({
      mode: "image",
      target: "output.png",
      width: 300,
      height: 50,
    });
    expect(parseDisplay(["image", "/", "width=800"])).toEqual({ mode: "image", target: "", width: 800, height: null });
  });

  it("reads html and hidden", () => {
    expect(parseDisplay(["html", "/output.html"])).toEqual({ mode: "html", target: "output.html" });
    expect(parseDisplay(["hidden"])).toEqual({ mode: "hidden" });
  });

  it("reads graphs with the documented x=/y= columns and axis labels", () => {
    expect(
      parseDisplay(["graph", "/progress.tsv", "display_name=command", "xlabel=iteration", "ylabel=accuracy"]),
    ).toEqual({
      mode: "graph",
      target: "progress.tsv",
      display_name: "command",
      x: 0,
      y: 1,
      xlabel: "iteration",
      ylabel: "accuracy",
      max_lines: DEFAULT_GRAPH_MAX_LINES,
    });
    expect(parseDisplay(["graph", "/log.tsv", "x=2", "y=3", "maxlines=50"])).toMatchObject({
      x: 2,
      y: 3,
      max_lines: 50,
    });
  });

  it("treats numeric graph labels as column indices when x=/y= are absent, as CodaLab's frontend did", () => {
    expect(parseDisplay(["graph", "/log.tsv", "xlabel=2", "ylabel=4"])).toMatchObject({
      x: 2,
      y: 4,
      xlabel: "2",
      ylabel: "4",
    });
    expect(parseDisplay(["graph", "/log.tsv", "x=1", "xlabel=3"])).toMatchObject({ x: 1 });
  });

  it("ignores unknown properties like CodaLab", () => {
    expect(parseDisplay(["contents", "/stdout", "colour=red"])).toMatchObject({ max_lines: 10 });
  });

  it("refuses a missing or unknown mode", () => {
    expect(() => parseDisplay([])).toThrow(/missing mode/);
    expect(() => parseDisplay(["pie"])).toThrow("Unknown display mode: pie");
  });

  it("refuses file modes without a file genpath", () => {
    expect(() => parseDisplay(["contents"])).toThrow(
      "Expected '% display contents (genpath)', but got '% display contents'",
    );
    expect(() => parseDisplay(["image", "stdout"])).toThrow("Not file genpath: stdout");
  });

  it("refuses targets that leave the bundle", () => {
    expect(() => parseDisplay(["contents", "/../other/secret"])).toThrow(/may not contain '..'/);
    expect(fileTarget("/a/./b//c")).toBe("a/b/c");
  });

  it("refuses malformed properties and non-integer sizes", () => {
    expect(() => parseDisplay(["contents", "/stdout", "100"])).toThrow("Expected <key>=<value>, but got 100");
    expect(() => parseDisplay(["contents", "/stdout", "maxlines=ten"])).toThrow(
      /maxlines must be a non-negative integer/,
    );
    expect(() => parseDisplay(["image", "/a.png", "width=300,height=50"])).toThrow(/width must be/);
    expect(() => parseDisplay(["graph", "/a.tsv", "x=-1"])).toThrow(/x must be/);
  });
});
