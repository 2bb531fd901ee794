import { describe, expect, it } from "vitest";
import type { WorksheetItem } from "./data-access.ts";
import { makeBundleInfo } from "./memory-data-access.ts";
import {
  itemsFromParsedLines,
  type ParsedLine,
  parseSource,
  renderBundleLine,
  renderDirectiveLine,
  renderSource,
  renderSourceText,
  renderWorksheetLine,
  splitSourceLines,
} from "./source.ts";

const RUN1 = "0x223abce2364c439596f05b5da0fa7e5d";
const RUN2 = "0x096b5b6b03a94ce3b47337db38822504";
const WS = "0x17f9afe57d664a06b80c1a31f32456b6";

/** The example worksheet of CodaLab's Worksheet-Markdown.md. */
const EXAMPLE = `// Editing worksheet pliang(${WS}).
//
## Heading
This is *italics* and this is **bold**.

% schema simple1
% add uuid uuid [0:8]
% add name
% add output /stdout
% add time time duration

Here are my runs, nicely formatted:
% display table simple1
[run run-date : date]{${RUN1}}
[run run-date : date]{${RUN2}}
{{home-pliang}}
`;

function item(fields: Partial<WorksheetItem> & Pick<WorksheetItem, "type">): WorksheetItem {
  return { id: null, bundle_uuid: null, subworksheet_uuid: null, value: "", sort_key: null, ...fields };
}

describe("parsing worksheet source", () => {
  it("classifies every line of the docs' example", () => {
    const lines = parseSource(EXAMPLE);
    expect(lines.map((line) => line.type)).toEqual([
      "directive",
      "directive",
      "markup",
      "markup",
      "markup",
      "directive",
      "directive",
      "directive",
      "directive",
      "directive",
      "markup",
      "markup",
      "directive",
      "bundle",
      "bundle",
      "worksheet",
    ]);
    expect(lines[13]).toEqual({ type: "bundle", line: 14, text: `[run run-date : date]{${RUN1}}`, spec: RUN1 });
    expect(lines[15]).toMatchObject({ type: "worksheet", line: 16, spec: "home-pliang" });
    expect(lines[4]).toEqual({ type: "markup", line: 5, text: "", value: "" });
  });

  it("stores comments as directives whose first token is %", () => {
    const [comment, empty] = parseSource("// it's a comment\n//");
    expect(comment).toMatchObject({ type: "directive", value: `% ' it'"'"'s a comment'` });
    expect(empty).toMatchObject({ type: "directive", value: "% ''" });
  });

  it("stores directives as re-quoted tokens, and untokenizable ones as written", () => {
    const [quoted, spaced, bare, broken] = parseSource(
      `% add "dataset size" data_size size\n  %display   table\n%\n% add "oops`,
    );
    expect(quoted).toMatchObject({ type: "directive", value: "add 'dataset size' data_size size" });
    expect(spaced).toMatchObject({ type: "directive", value: "display table" });
    expect(bare).toMatchObject({ type: "directive", value: "" });
    expect(broken).toMatchObject({ type: "directive", value: 'add "oops' });
  });

  it("takes bundle and worksheet specs with or without the bracketed description", () => {
    const lines = parseSource([
      "{ ^1 }",
      "  [dataset a]{b}  ",
      "[x]{{ 0x12 }}",
      "text {not alone} here",
      "[a]{b]{{c}}",
    ]);
    expect(lines.map((line) => [line.type, "spec" in line ? line.spec : null])).toEqual([
      ["bundle", "^1"],
      ["bundle", "b"],
      ["worksheet", "0x12"],
      ["markup", null],
      ["worksheet", "c"],
    ]);
  });

  it("keeps lines starting with spaces before // as markup", () => {
    expect(parseSource("  // not a comment")[0]?.type).toBe("markup");
  });

  it("splits on \\n or \\r\\n and ignores one trailing newline", () => {
    expect(splitSourceLines("a\r\nb\n")).toEqual(["a", "b"]);
    expect(splitSourceLines("a\n\n")).toEqual(["a", ""]);
    expect(splitSourceLines("")).toEqual([]);
  });
});

describe("building items from parsed lines", () => {
  it("uses the server's resolutions, line by line", () => {
    const lines = parseSource(`hello\n% display table\n{run1}\n{{ws}}\n{{gone}}`);
    const items = itemsFromParsedLines(lines, {
      bundles: new Map([[3, RUN1]]),
      worksheets: new Map<number, string | { error: string }>([
        [4, WS],
        [5, { error: "Not found: worksheet gone" }],
      ]),
    });
    expect(items).toEqual([
      { type: "markup", bundle_uuid: null, subworksheet_uuid: null, value: "hello" },
      { type: "directive", bundle_uuid: null, subworksheet_uuid: null, value: "display table" },
      { type: "bundle", bundle_uuid: RUN1, subworksheet_uuid: null, value: "" },
      { type: "worksheet", bundle_uuid: null, subworksheet_uuid: WS, value: "" },
      { type: "markup", bundle_uuid: null, subworksheet_uuid: null, value: "Not found: worksheet gone: {{gone}}" },
    ]);
  });

  it("turns an unresolved sub-worksheet into markup and refuses an unresolved bundle naming its line", () => {
    const lines: ParsedLine[] = parseSource("{{ws}}\n{run}");
    const resolved = { bundles: new Map<number, string>(), worksheets: new Map() };
    expect(() => itemsFromParsedLines(lines, resolved)).toThrow(/line 2: bundle spec "run"/);
    expect(itemsFromParsedLines(lines.slice(0, 1), resolved)[0]?.value).toBe("cannot resolve worksheet ws: {{ws}}");
  });
});

describe("rendering items back to source", () => {
  const train = makeBundleInfo({
    uuid: RUN1,
    bundle_type: "run",
    name: "train",
    command: "python train.py\n--epochs 3",
    dependencies: [{ child_path: "data", parent_uuid: RUN2, parent_path: "", parent_name: "mnist" }],
  });
  const upload = makeBundleInfo({ uuid: RUN2, name: "mnist" });

  it("writes bundles as [type name -- deps : command]{uuid}, omitting empty parts", () => {
    expect(renderBundleLine(RUN1, train)).toBe(`[run train -- data:mnist : python train.py --epochs 3]{${RUN1}}`);
    expect(renderBundleLine(RUN2, upload)).toBe(`[dataset mnist]{${RUN2}}`);
    expect(renderBundleLine("0xgone", undefined)).toBe("[]{0xgone}");
    expect(renderBundleLine(RUN2, { ...upload, permission: "none" })).toBe(`[private <private>]{${RUN2}}`);
  });

  it("writes worksheets as [worksheet name]{{uuid}}", () => {
    expect(renderWorksheetLine(WS, { uuid: WS, name: "home-pliang", title: null })).toBe(
      `[worksheet home-pliang]{{${WS}}}`,
    );
    expect(renderWorksheetLine(WS, undefined)).toBe(`[worksheet ]{{${WS}}}`);
    expect(renderWorksheetLine(WS, { uuid: WS, name: "secret", title: null, permission: "none" })).toBe(
      `[worksheet <private>]{{${WS}}}`,
    );
  });

  it("joins the source into one text for editors", () => {
    const text = renderSourceText(
      [item({ type: "markup", value: "hi" }), item({ type: "directive", value: "display table" })],
      {
        bundles: new Map(),
        worksheets: new Map(),
      },
    );
    expect(text).toBe("hi\n% display table\n");
    expect(parseSource(text).map((line) => line.type)).toEqual(["markup", "directive"]);
  });

  it("writes directives with % and comments with //", () => {
    expect(renderDirectiveLine("display table simple1")).toBe("% display table simple1");
    expect(renderDirectiveLine("add 'dataset size' data_size size")).toBe("% add 'dataset size' data_size size");
    expect(renderDirectiveLine("% ' a comment'")).toBe("// a comment");
    expect(renderDirectiveLine("")).toBe("%");
    expect(renderDirectiveLine('add "oops')).toBe('% add "oops');
  });

  it("round-trips the docs' example through items, quoting tokens as CodaLab stores them", () => {
    const lines = parseSource(EXAMPLE);
    const items = itemsFromParsedLines(lines, {
      bundles: new Map([
        [14, RUN1],
        [15, RUN2],
      ]),
      worksheets: new Map([[16, WS]]),
    }).map((fields) => item(fields));
    const source = renderSource(items, {
      bundles: new Map([
        [RUN1, makeBundleInfo({ uuid: RUN1, bundle_type: "run", name: "run-date", command: "date" })],
        [RUN2, makeBundleInfo({ uuid: RUN2, bundle_type: "run", name: "run-date", command: "date" })],
      ]),
      worksheets: new Map([[WS, { uuid: WS, name: "home-pliang", title: null }]]),
    });
    const expected = splitSourceLines(EXAMPLE).slice(0, 15);
    expected[6] = "% add uuid uuid '[0:8]'";
    expect(source).toEqual([...expected, `[worksheet home-pliang]{{${WS}}}`]);
  });
});
