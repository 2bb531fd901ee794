import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import type {
  ContentsBlock,
  GraphBlock,
  ImageBlock,
  MarkupBlock,
  RecordBlock,
  SchemaBlock,
  SubworksheetsBlock,
  TableBlock,
  WorksheetBlock,
} from "./blocks.ts";
import type { BundleInfo, WorksheetDataAccess, WorksheetItem } from "./data-access.ts";
import { pendingCellsOf, resolveFileCells } from "./file-cells.ts";
import { interpretLiveUpdate, interpretSearchDirective, interpretWorksheet } from "./interpret.ts";
import { createMemoryDataAccess, type MemoryWorksheetData, makeBundleInfo } from "./memory-data-access.ts";
import { itemsFromParsedLines, parseSource } from "./source.ts";

const RUN1 = "0x11111111111111111111111111111111";
const RUN2 = "0x22222222222222222222222222222222";
const DATA = "0x33333333333333333333333333333333";
const PRIV = "0x44444444444444444444444444444444";
const GONE = "0x55555555555555555555555555555555";
const WS1 = "0x66666666666666666666666666666666";
const WS2 = "0x77777777777777777777777777777777";
const WSPRIV = "0x88888888888888888888888888888888";

const run1 = makeBundleInfo({
  uuid: RUN1,
  bundle_type: "run",
  state: "ready",
  command: "python train.py",
  name: "train",
  metadata: { time: 61, data_size: 4125, description: "first", tags: ["a", "b"] },
  dependencies: [{ child_path: "data", parent_uuid: DATA, parent_path: "", parent_name: "mnist" }],
});
const run2 = makeBundleInfo({
  uuid: RUN2,
  bundle_type: "run",
  state: "running",
  command: "python eval.py",
  name: "eval",
  metadata: { time: 3600, data_size: 10 },
});
const data = makeBundleInfo({ uuid: DATA, name: "mnist", metadata: { data_size: 1024, description: "digits" } });
const secret = makeBundleInfo({
  uuid: PRIV,
  name: "secret-name",
  permission: "none",
  metadata: { description: "hidden" },
});

const FILES: MemoryWorksheetData["files"] = {
  [RUN1]: {
    stdout: "done\n",
    "stats.json": JSON.stringify({ train: { acc: 0.91234, history: [1, 2] } }),
    "log.tsv": "1\t0.5\n2\t0.3\n3\t0.2\n",
    "plot.png": "\u0089PNG\u0000\u0000",
    "page.html": "<p>hi</p>",
    "label.txt": "Run One\n",
    out: { directory: true },
  },
  [RUN2]: {
    stdout: Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n"),
    "stats.json": JSON.stringify({ train: { acc: 0.8 } }),
    "log.tsv": "1\t0.9\n",
  },
  [PRIV]: { stdout: "secret output\n" },
};

function access(extra: Partial<MemoryWorksheetData> = {}) {
  return createMemoryDataAccess({
    bundles: [run1, run2, data, secret],
    worksheets: [
      { uuid: WS1, name: "home-alice", title: "Alice's home", permission: "all" },
      { uuid: WS2, name: "papers", title: null, permission: "read" },
      { uuid: WSPRIV, name: "hidden-ws", title: "Hidden", permission: "none" },
    ],
    files: FILES,
    searchBundles: (keywords) => {
      if (keywords.includes(".count")) return { type: "aggregate", value: 42 };
      if (keywords.includes("bad=")) throw new CodalabError("VALIDATION_FAILED", "invalid keyword bad=");
      if (keywords.includes("type=run")) return { type: "bundles", bundles: [run1, run2] };
      if (keywords.includes("secret")) return { type: "bundles", bundles: [secret] };
      return { type: "bundles", bundles: [] };
    },
    searchWorksheets: (keywords) =>
      keywords.includes("tag=paper") ? [{ uuid: WS2, name: "papers", title: null }] : [],
    ...extra,
  });
}

/** Items from markdown, each `{spec}` resolving to the spec itself; ids 1.., sort keys 10, 20, … */
function items(source: string): WorksheetItem[] {
  const lines = parseSource(source);
  const specs = (type: string) =>
    new Map(lines.flatMap((line) => (line.type === type && "spec" in line ? [[line.line, line.spec] as const] : [])));
  return itemsFromParsedLines(lines, { bundles: specs("bundle"), worksheets: specs("worksheet") }).map(
    (item, index) => ({
      ...item,
      id: index + 1,
      sort_key: (index + 1) * 10,
    }),
  );
}

async function blocksOf(source: string, options = {}, dataAccess: WorksheetDataAccess = access()) {
  return (await interpretWorksheet(items(source), dataAccess, options)).blocks;
}

function only<T extends WorksheetBlock>(blocks: WorksheetBlock[], mode: T["mode"]): T[] {
  return blocks.filter((block): block is T => block.mode === mode);
}

describe("rule 1: markup", () => {
  it("merges consecutive non-blank lines and ends a block at a blank line", async () => {
    const blocks = await blocksOf("# Title\nSome *text* $x^2$\n\nNext paragraph");
    expect(blocks).toEqual([
      { mode: "markup_block", text: "# Title\nSome *text* $x^2$", error: false, ids: [1, 2], sort_keys: [10, 20] },
      { mode: "markup_block", text: "Next paragraph", error: false, ids: [4], sort_keys: [40] },
    ]);
  });

  it("does not merge markup across a directive or a bundle", async () => {
    const blocks = await blocksOf(`a\n% display table name\nb\n{${RUN1}}\nc`);
    expect(blocks.map((block) => block.mode)).toEqual(["markup_block", "markup_block", "table_block", "markup_block"]);
  });

  it("treats comments as deleted lines: they neither split markup nor render", async () => {
    const blocks = await blocksOf("first\n// a note\nsecond");
    expect(blocks).toEqual([
      { mode: "markup_block", text: "first\nsecond", error: false, ids: [1, 3], sort_keys: [10, 30] },
    ]);
  });
});

describe("rule 2: bundles", () => {
  it("renders consecutive bundles as one table with the default schema", async () => {
    const [table] = await blocksOf(`{${RUN1}}\n{${DATA}}`);
    expect(table).toEqual({
      mode: "table_block",
      bundles_spec: {
        spec_type: "uuid_spec",
        uuid_spec: [RUN1, DATA],
        bundle_infos: [run1, data],
        fetch_status: { code: "ready", error_message: "" },
      },
      status: { code: "ready", error_message: "" },
      header: ["uuid", "name", "summary", "data_size", "state", "description"],
      rows: [
        {
          uuid: "0x111111",
          name: "train",
          summary: "! python train.py",
          data_size: "4.0k",
          state: "ready",
          description: "first",
        },
        {
          uuid: "0x333333",
          name: "mnist",
          summary: "[uploaded]",
          data_size: "1k",
          state: "ready",
          description: "digits",
        },
      ],
      ids: [1, 2],
      sort_keys: [10, 20],
      first_bundle_source_index: 0,
      using_schemas: ["default"],
    } satisfies TableBlock);
  });

  it("starts a new table after any other item", async () => {
    const blocks = await blocksOf(`{${RUN1}}\n\n{${RUN2}}`);
    expect(only<TableBlock>(blocks, "table_block").map((table) => table.bundles_spec.uuid_spec)).toEqual([
      [RUN1],
      [RUN2],
    ]);
  });

  it("keeps bundles in one table across a comment", async () => {
    const [table] = await blocksOf(`{${RUN1}}\n// between\n{${RUN2}}`);
    expect((table as TableBlock).bundles_spec.uuid_spec).toEqual([RUN1, RUN2]);
  });

  it("fetches all bundles of the worksheet in one call", async () => {
    const dataAccess = access();
    await blocksOf(`{${RUN1}}\n\n{${RUN2}}\n\n{${RUN1}}`, {}, dataAccess);
    expect(dataAccess.calls.filter((call) => call.startsWith("bundles"))).toEqual([`bundles ${RUN1},${RUN2}`]);
  });
});

describe("rule 3: % display", () => {
  it("applies to the bundles right after it and resets after a blank line", async () => {
    const blocks = await blocksOf(`% display table name\n{${RUN1}}\n\n{${RUN2}}`);
    expect(only<TableBlock>(blocks, "table_block").map((table) => table.header)).toEqual([
      ["name"],
      ["uuid", "name", "summary", "data_size", "state", "description"],
    ]);
  });

  it("resets after markup or another directive before the bundles", async () => {
    const afterMarkup = await blocksOf(`% display table name\ntext\n{${RUN1}}`);
    expect((afterMarkup[1] as TableBlock).header).toHaveLength(6);
    const afterSchema = await blocksOf(`% display table name\n% schema s\n% add name\n{${RUN1}}`);
    expect((afterSchema[1] as TableBlock).header).toHaveLength(6);
  });

  it("survives a comment between the directive and the bundles", async () => {
    const [table] = await blocksOf(`% display table name\n// my runs\n{${RUN1}}`);
    expect((table as TableBlock).header).toEqual(["name"]);
  });

  it("takes ad-hoc columns name:genpath[:post] next to schema names", async () => {
    const [table] = await blocksOf(`% display table uuid name owner:owner_name year:created:date\n{${RUN1}}`);
    expect((table as TableBlock).header).toEqual(["uuid", "name", "owner", "year"]);
    expect((table as TableBlock).rows[0]).toMatchObject({ owner: "alice", year: null });
    expect((table as TableBlock).using_schemas).toEqual(["uuid", "name", "owner:owner_name", "year:created:date"]);
  });

  it("shows nothing for hidden bundles", async () => {
    const result = await interpretWorksheet(items(`% display hidden\n{${RUN1}}\n{${RUN2}}\n\nafter`), access());
    expect(result.blocks).toEqual([{ mode: "markup_block", text: "after", error: false, ids: [5], sort_keys: [50] }]);
    expect(result.raw_to_block).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});

describe("rule 4: schemas", () => {
  const SIMPLE = `% schema simple1
% add uuid uuid [0:8]
% add name
% add output /stdout
% add time time duration

Here are my runs, nicely formatted:
% display table simple1
{${RUN1}}
{${RUN2}}`;

  it("emits a schema block for the editor when the run of schema directives ends", async () => {
    const [schema] = await blocksOf(SIMPLE);
    expect(schema).toEqual({
      mode: "schema_block",
      schema_name: "simple1",
      header: ["field", "generalized-path", "post-processor"],
      field_rows: [
        { field: "uuid", genpath: "uuid", post_processor: "[0:8]", from_schema_name: "simple1" },
        { field: "name", genpath: "name", post_processor: null, from_schema_name: "simple1" },
        { field: "output", genpath: "/stdout", post_processor: null, from_schema_name: "simple1" },
        { field: "time", genpath: "time", post_processor: "duration", from_schema_name: "simple1" },
      ],
      ids: [1, 2, 3, 4, 5],
      sort_keys: [10, 20, 30, 40, 50],
    } satisfies SchemaBlock);
  });

  it("renders the docs' example table with the schema, reading file cells", async () => {
    const [, , table] = await blocksOf(SIMPLE);
    expect(table).toMatchObject({
      mode: "table_block",
      header: ["uuid", "name", "output", "time"],
      rows: [
        { uuid: "0x111111", name: "train", output: "done", time: "1m1s" },
        {
          uuid: "0x222222",
          name: "eval",
          output:
            "line 1 line 2 line 3 line 4 line 5 line 6 line 7 line 8 line 9 line 10 line 11 line 12 line 13 line 14 line 15 line 16 line 17 line 18 line 19 line 20",
          time: "1h",
        },
      ],
      status: { code: "ready" },
      using_schemas: ["simple1"],
    });
  });

  it("keeps schemas visible to every later directive, and lets a redefinition replace them", async () => {
    const blocks = await blocksOf(
      `% schema s\n% add name\n\ntext\n\n% display table s\n{${RUN1}}\n\n% schema s\n% add state\n% display record s\n{${RUN1}}`,
    );
    expect((blocks[2] as TableBlock).header).toEqual(["name"]);
    expect((blocks[4] as RecordBlock).rows).toEqual([{ key: "state", value: "ready" }]);
  });

  it("copies other schemas with addschema, marking where the rows came from", async () => {
    const [schema, table] = await blocksOf(
      `% schema mine\n% addschema uuid\n% add acc /stats.json:train/acc %.3f\n% display table mine\n{${RUN1}}`,
    );
    expect((schema as SchemaBlock).field_rows).toEqual([
      { field: "uuid", genpath: "uuid", post_processor: "[0:8]", from_schema_name: "uuid" },
      { field: "acc", genpath: "/stats.json:train/acc", post_processor: "%.3f", from_schema_name: "mine" },
    ]);
    expect((table as TableBlock).rows).toEqual([{ uuid: "0x111111", acc: "0.912" }]);
  });

  it("reports add and addschema outside a schema, and unknown schemas, on their lines", async () => {
    const blocks = await blocksOf("% add name\n% schema s\n% addschema nope\n% add name");
    expect(blocks[0]).toMatchObject({
      mode: "markup_block",
      error: true,
      text: "Error in source line 1: `add` must be preceded by `schema` directive",
      ids: [1],
    });
    expect(blocks[1]).toMatchObject({ error: true, text: "Error in source line 3: unknown schema `nope`" });
    // The failing addschema does not end the run: the later add still belongs to schema s.
    expect((blocks[2] as SchemaBlock).field_rows.map((row) => row.field)).toEqual(["name"]);
  });

  it("keeps a schema run going past a malformed add", async () => {
    const blocks = await blocksOf("% schema s\n% add a b c d\n% add name");
    expect(blocks[0]).toMatchObject({
      error: true,
      text: expect.stringContaining("Error in source line 2: `add` takes 1 to 3"),
    });
    expect((blocks[1] as SchemaBlock).field_rows).toHaveLength(1);
  });
});

describe("record, contents, image, html and graph displays", () => {
  it("renders one record block per bundle", async () => {
    const blocks = await blocksOf(`% display record name time\n{${RUN1}}\n{${RUN2}}`);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({
      mode: "record_block",
      header: ["key", "value"],
      rows: [
        { key: "name", value: "train" },
        { key: "time", value: "1m1s" },
      ],
      bundles_spec: { uuid_spec: [RUN1] },
      ids: [2],
      sort_keys: [20],
      first_bundle_source_index: 1,
      status: { code: "ready" },
    });
  });

  it("shows the first lines of a file per bundle", async () => {
    const blocks = await blocksOf(`% display contents /stdout maxlines=3\n{${RUN1}}\n{${RUN2}}`);
    expect(blocks).toEqual([
      expect.objectContaining({ mode: "contents_block", target_genpath: "stdout", max_lines: 3, lines: ["done"] }),
      expect.objectContaining({ lines: ["line 1", "line 2", "line 3"], status: { code: "ready", error_message: "" } }),
    ]);
  });

  it("shows <directory>, a missing file, an unreadable bundle and a binary file as such", async () => {
    const blocks = await blocksOf(
      `% display contents /out\n{${RUN1}}\n\n% display contents /nope\n{${RUN1}}\n\n% display contents /stdout\n{${PRIV}}\n\n% display contents /plot.png\n{${RUN1}}`,
    );
    const contents = only<ContentsBlock>(blocks, "contents_block");
    expect(contents.map((block) => [block.status.code, block.lines])).toEqual([
      ["ready", ["<directory>"]],
      ["not_found", null],
      ["no_permission", null],
      ["ready", ["<binary file>"]],
    ]);
  });

  it("says it cannot access a missing bundle in file displays", async () => {
    const blocks = await blocksOf(`% display contents /stdout\n{${GONE}}`);
    expect(blocks).toEqual([
      { mode: "markup_block", text: "ERROR: cannot access bundle", error: true, ids: [2], sort_keys: [20] },
    ]);
  });

  it("returns image targets for the web to fetch by URL instead of inlining base64", async () => {
    const dataAccess = access();
    const blocks = await blocksOf(
      `% display image /plot.png width=300\n{${RUN1}}\n{${RUN2}}\n{${PRIV}}`,
      {},
      dataAccess,
    );
    const images = only<ImageBlock>(blocks, "image_block");
    expect(images[0]).toEqual({
      mode: "image_block",
      bundles_spec: expect.objectContaining({ uuid_spec: [RUN1] }),
      target_genpath: "plot.png",
      status: { code: "ready", error_message: "" },
      width: 300,
      height: null,
      ids: [2],
      sort_keys: [20],
    });
    expect(images[0]).not.toHaveProperty("image_data");
    expect(images.map((image) => image.status.code)).toEqual(["ready", "not_found", "no_permission"]);
    expect(dataAccess.calls.some((call) => call.startsWith("readFile"))).toBe(false);
  });

  it("reports a directory image target as not found", async () => {
    const [image] = await blocksOf(`% display image /out\n{${RUN1}}`);
    expect((image as ImageBlock).status).toEqual({ code: "not_found", error_message: "is a directory" });
  });

  it("renders the documented html display as an html block", async () => {
    const [html] = await blocksOf(`% display html /page.html\n{${RUN1}}`);
    expect(html).toMatchObject({ mode: "html_block", target_genpath: "page.html", status: { code: "ready" } });
  });

  it("draws one graph for the run of bundles from header-less TSV files", async () => {
    const [graph] = await blocksOf(
      `% display graph /log.tsv xlabel=epoch ylabel=loss\n{${RUN1}}\n{${RUN2}}\n{${PRIV}}`,
    );
    expect(graph).toEqual({
      mode: "graph_block",
      bundles_spec: expect.objectContaining({ uuid_spec: [RUN1, RUN2, PRIV] }),
      target_genpath: "log.tsv",
      status: { code: "ready", error_message: "" },
      trajectories: [
        {
          bundle_uuid: RUN1,
          display_name: "train",
          target_genpath: "log.tsv",
          points: [
            ["1", "0.5"],
            ["2", "0.3"],
            ["3", "0.2"],
          ],
        },
        { bundle_uuid: RUN2, display_name: "eval", target_genpath: "log.tsv", points: [["1", "0.9"]] },
        { bundle_uuid: PRIV, display_name: "<private>", target_genpath: "log.tsv", points: null },
      ],
      max_lines: 100,
      x: 0,
      y: 1,
      xlabel: "epoch",
      ylabel: "loss",
      ids: [2, 3, 4],
      sort_keys: [20, 30, 40],
    } satisfies GraphBlock);
  });

  it("takes graph legends from any genpath, including a file", async () => {
    const [byCommand] = await blocksOf(`% display graph /log.tsv display_name=command maxlines=1\n{${RUN1}}`);
    expect((byCommand as GraphBlock).trajectories[0]).toMatchObject({
      display_name: "python train.py",
      points: [["1", "0.5"]],
    });
    const [byFile] = await blocksOf(
      `% display graph /log.tsv display_name=/label.txt\n{${RUN1}}\n{${PRIV}}\n{${RUN2}}`,
    );
    expect((byFile as GraphBlock).trajectories.map((t) => t.display_name)).toEqual(["Run One", "<private>", ""]);
  });

  it("reports display errors on the directive's own line", async () => {
    const blocks = await blocksOf(`% display contents\n{${RUN1}}`);
    expect(blocks[0]).toMatchObject({
      error: true,
      text: "Error in source line 1: Expected '% display contents (genpath)', but got '% display contents'",
    });
    expect(blocks[1]).toMatchObject({ mode: "table_block" });
  });
});

describe("cells", () => {
  it("renders link dictionaries, string lists and nested file values", async () => {
    const [, table] = await blocksOf(
      `% schema s\n% add out uuid "key uuid | add path /stdout | add text StandardOutput"\n% add tags\n% add train /stats.json:train\n% add deps dependencies\n% display table s\n{${RUN1}}`,
    );
    expect((table as TableBlock).rows[0]).toEqual({
      out: { type: "dict", value: { uuid: RUN1, path: "/stdout", text: "StandardOutput" } },
      tags: "a b",
      train: '{"acc":0.91234,"history":[1,2]}',
      deps: "data:mnist",
    });
  });

  it("reads each file once however many cells use it", async () => {
    const dataAccess = access();
    await blocksOf(
      `% display table a:/stats.json:train/acc b:/stats.json:train/history/0 c:/stdout\n{${RUN1}}\n{${RUN2}}`,
      {},
      dataAccess,
    );
    expect(dataAccess.calls.filter((call) => call.startsWith("readFile")).sort()).toEqual([
      `readFile ${RUN1} stats.json 10000`,
      `readFile ${RUN1} stdout 10000`,
      `readFile ${RUN2} stats.json 10000`,
      `readFile ${RUN2} stdout 10000`,
    ]);
  });
});

describe("rule 5: searches", () => {
  it("expands % search into bundles rendered with the preceding display", async () => {
    const [table] = await blocksOf("% display table name state\n% search type=run");
    expect(table).toMatchObject({
      mode: "table_block",
      header: ["name", "state"],
      rows: [
        { name: "train", state: "ready" },
        { name: "eval", state: "running" },
      ],
      ids: [null, null],
      sort_keys: [null, null],
      first_bundle_source_index: 1,
    });
  });

  it("joins search results with adjacent bundles, and drops a search with no results", async () => {
    const [table] = await blocksOf(`{${DATA}}\n% search type=run\n% search nothing\n{${DATA}}`);
    expect((table as TableBlock).bundles_spec.uuid_spec).toEqual([DATA, RUN1, RUN2, DATA]);
  });

  it("shows aggregates as markup, joining a preceding text line", async () => {
    const blocks = await blocksOf("Total runs:\n% search .count");
    expect(blocks).toEqual([
      { mode: "markup_block", text: "Total runs:\n42", error: false, ids: [1, null], sort_keys: [10, null] },
    ]);
  });

  it("masks private search results", async () => {
    const [table] = await blocksOf("% display table name description\n% search secret");
    expect((table as TableBlock).rows).toEqual([{ name: "<private>", description: null }]);
    expect((table as TableBlock).bundles_spec.bundle_infos).toEqual([
      { uuid: PRIV, bundle_type: "private", metadata: { name: "<private>" } },
    ]);
  });

  it("reports bad search keywords on the search's line", async () => {
    const blocks = await blocksOf("text\n\n% search bad=");
    expect(blocks[1]).toMatchObject({ error: true, text: "Error in source line 3: invalid keyword bad=", ids: [3] });
  });

  it("expands % wsearch into a sub-worksheets block", async () => {
    const [block] = await blocksOf("% wsearch tag=paper");
    expect(block).toEqual({
      mode: "subworksheets_block",
      subworksheet_infos: [{ uuid: WS2, name: "papers", title: null }],
      ids: [null],
      sort_keys: [null],
    });
  });

  it("leaves searches as placeholders in brief mode without running them", async () => {
    const dataAccess = access();
    const blocks = await blocksOf(
      `% display table name\n% search  type=run  .limit=5\n% wsearch tag=paper`,
      { brief: true },
      dataAccess,
    );
    expect(blocks).toEqual([
      { mode: "placeholder_block", directive: "search type=run .limit=5", ids: [2], sort_keys: [20] },
      { mode: "placeholder_block", directive: "wsearch tag=paper", ids: [3], sort_keys: [30] },
    ]);
    expect(dataAccess.calls.some((call) => call.startsWith("search") || call.startsWith("wsearch"))).toBe(false);
  });
});

describe("brief mode and the second request for file cells", () => {
  const SOURCE = `% display table name acc:/stats.json:train/acc:%.2f\n{${RUN1}}\n{${PRIV}}\n{${GONE}}\n\n{${DATA}}`;

  it("leaves file cells pending and marks their tables briefly loaded", async () => {
    const dataAccess = access();
    const [pendingTable, plainTable] = await blocksOf(SOURCE, { brief: true }, dataAccess);
    expect(pendingTable).toMatchObject({
      status: { code: "briefly_loaded" },
      rows: [
        { name: "train", acc: { type: "pending", bundle_uuid: RUN1, genpath: "/stats.json:train/acc", post: "%.2f" } },
        { name: "<private>", acc: { type: "error", message: "Forbidden" } },
        { name: "<invalid>", acc: null },
      ],
    });
    expect(plainTable).toMatchObject({ status: { code: "ready" } });
    expect(dataAccess.calls.some((call) => call.startsWith("readFile"))).toBe(false);
  });

  it("fills the same values in the second request as in one pass", async () => {
    const [briefTable] = await blocksOf(SOURCE, { brief: true });
    const pending = pendingCellsOf(briefTable as TableBlock);
    expect(pending.map(({ row, column }) => [row, column])).toEqual([[0, "acc"]]);
    expect(
      await resolveFileCells(
        pending.map((cell) => cell.request),
        access(),
      ),
    ).toEqual(["0.91"]);
    const [fullTable] = await blocksOf(SOURCE);
    expect((fullTable as TableBlock).rows[0]).toEqual({ name: "train", acc: "0.91" });
  });

  it("can defer file cells without brief mode", async () => {
    const [table] = await blocksOf(SOURCE, { fileCells: "defer" });
    expect((table as TableBlock).status.code).toBe("briefly_loaded");
  });

  it("fills record cells in one pass", async () => {
    const [record] = await blocksOf(`% display record out:/stdout acc:/stats.json:train/acc\n{${RUN1}}`);
    expect((record as RecordBlock).rows).toEqual([
      { key: "out", value: "done" },
      { key: "acc", value: 0.91234 },
    ]);
  });

  it("defers record cells too", async () => {
    const [record] = await blocksOf(`% display record out:/stdout\n{${RUN1}}`, { brief: true });
    expect(pendingCellsOf(record as RecordBlock)).toEqual([
      { row: 0, column: "value", request: { bundle_uuid: RUN1, genpath: "/stdout", post: null } },
    ]);
  });
});

describe("the ?directive= replay that loads one placeholder", () => {
  const SOURCE = `% schema s
% add name
% add acc /stats.json:train/acc %.1f

{${DATA}}
% display table s
% search type=run
% search secret`;

  it("returns only the search's blocks, with earlier schemas and the preceding display applied", async () => {
    const dataAccess = access();
    const blocks = await interpretSearchDirective(items(SOURCE), dataAccess, "search   type=run");
    expect(blocks).toEqual([
      expect.objectContaining({
        mode: "table_block",
        header: ["name", "acc"],
        rows: [
          { name: "train", acc: "0.9" },
          { name: "eval", acc: "0.8" },
        ],
        status: { code: "ready", error_message: "" },
      }),
    ]);
    expect(dataAccess.calls.filter((call) => !call.startsWith("readFile"))).toEqual(["search type=run"]);
  });

  it("returns nothing for a directive that is not in the worksheet or finds nothing", async () => {
    expect(await interpretSearchDirective(items(SOURCE), access(), "search type=dataset")).toEqual([]);
    expect(await interpretSearchDirective(items(SOURCE), access(), "display table s")).toEqual([]);
    expect(await interpretSearchDirective(items(SOURCE), access(), 'search "unclosed')).toEqual([]);
    expect(await interpretSearchDirective(items("% search nothing"), access(), "search nothing")).toEqual([]);
  });

  it("reports a failing search as an error block on its line", async () => {
    const [block] = await interpretSearchDirective(items("x\n% search bad="), access(), "search bad=");
    expect(block).toMatchObject({
      mode: "markup_block",
      error: true,
      text: "Error in source line 2: invalid keyword bad=",
    });
  });

  it("can leave the replayed table's file cells for the second request", async () => {
    const [table] = await interpretSearchDirective(items(SOURCE), access(), "search type=run", { fileCells: "defer" });
    expect((table as TableBlock).status.code).toBe("briefly_loaded");
  });
});

describe("rule 6: sub-worksheets", () => {
  it("groups consecutive sub-worksheet items into one block and masks unreadable ones", async () => {
    const blocks = await blocksOf(`{{${WS1}}}\n{{${WSPRIV}}}\n{{0xdeleted}}\n\n{{${WS2}}}`);
    expect(blocks).toEqual([
      {
        mode: "subworksheets_block",
        subworksheet_infos: [
          { uuid: WS1, name: "home-alice", title: "Alice's home", permission: "all" },
          { uuid: WSPRIV, name: "<private>", title: null, permission: "none" },
          { uuid: "0xdeleted", name: null, title: null },
        ],
        ids: [1, 2, 3],
        sort_keys: [10, 20, 30],
      } satisfies SubworksheetsBlock,
      expect.objectContaining({ mode: "subworksheets_block", ids: [5] }),
    ]);
  });
});

describe("rule 7: private and missing bundles", () => {
  it("renders <private> and <invalid> rows without leaking metadata", async () => {
    const [table] = await blocksOf(`{${PRIV}}\n{${GONE}}`);
    expect((table as TableBlock).rows).toEqual([
      { uuid: "0x444444", name: "<private>", summary: null, data_size: null, state: null, description: null },
      { uuid: "0x555555", name: "<invalid>", summary: null, data_size: null, state: null, description: null },
    ]);
    expect(JSON.stringify(table)).not.toContain("secret-name");
    expect(JSON.stringify(table)).not.toContain("hidden");
  });
});

describe("rule 8: failing lines", () => {
  it("turns unknown directives, bad quoting and bad display modes into error blocks", async () => {
    const blocks = await blocksOf(`ok\n% foo bar\n% add "oops\n% display pie\n{${RUN1}}`);
    expect((blocks as MarkupBlock[]).slice(1, 4).map((block) => [block.text, block.error])).toEqual([
      ["Error in source line 2: unknown directive `foo`", true],
      ['Error in source line 3: No closing quotation in directive "add \\"oops"', true],
      ["Error in source line 4: Unknown display mode: pie", true],
    ]);
    expect(blocks[4]).toMatchObject({ mode: "table_block" });
  });

  it("does not merge markup into an error block", async () => {
    const blocks = await blocksOf("% nope\nafter");
    expect(blocks.map((block) => (block as MarkupBlock).text)).toEqual([
      "Error in source line 1: unknown directive `nope`",
      "after",
    ]);
  });

  it("lets storage failures through: they are not a worksheet's fault", async () => {
    const failing = access();
    failing.readFile = async () => {
      throw new Error("R2 unavailable");
    };
    await expect(blocksOf(`% display contents /stdout\n{${RUN1}}`, {}, failing)).rejects.toThrow("R2 unavailable");
    const searchFails = access({
      searchBundles: () => {
        throw new Error("D1 unavailable");
      },
    });
    await expect(blocksOf("% search x", {}, searchFails)).rejects.toThrow("D1 unavailable");
  });

  it("maps CodalabErrors from file reads onto statuses", async () => {
    const forbidding = access();
    forbidding.readFile = async () => {
      throw new CodalabError("FORBIDDEN", "no");
    };
    forbidding.statTarget = async () => {
      throw new CodalabError("NOT_FOUND", "gone");
    };
    const blocks = await blocksOf(
      `% display contents /stdout\n{${RUN1}}\n\n% display image /x.png\n{${RUN1}}\n\n% display table c:/stdout\n{${RUN1}}`,
      {},
      forbidding,
    );
    expect(blocks.map((block) => ("status" in block ? block.status.code : null))).toEqual([
      "no_permission",
      "not_found",
      "ready",
    ]);
    expect((blocks[2] as TableBlock).rows[0]).toEqual({ c: { type: "error", message: "Forbidden" } });
  });
});

describe("rule 9: alignment of source lines and blocks", () => {
  it("matches CodaLab's documented example", async () => {
    const result = await interpretWorksheet(
      items(`% display table\n{${RUN1}}\n{${RUN2}}\n\nhello\nworld\n{{${WS1}}}\n`),
      access(),
    );
    expect(result.raw_to_block).toEqual([
      [0, 0],
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(result.block_to_raw).toEqual({ "0,0": 1, "0,1": 2, "1,0": 5, "2,0": 6 });
  });

  it("maps lines to each record or contents block, schema lines to their rows, and trailing lines to null", async () => {
    const result = await interpretWorksheet(
      items(`% schema s\n% add name\n% add time\n% display record s\n{${RUN1}}\n{${RUN2}}\n\n`),
      access(),
    );
    expect(result.raw_to_block).toEqual([[0, 0], [0, 0], [0, 1], [1, 0], [1, 0], [2, 0], null]);
  });

  it("returns the source lines with bundle descriptions", async () => {
    const result = await interpretWorksheet(items(`// note\n% display table name\n{${RUN1}}\n{${GONE}}`), access());
    expect(result.source).toEqual([
      "// note",
      "% display table name",
      `[run train -- data:mnist : python train.py]{${RUN1}}`,
      `[]{${GONE}}`,
    ]);
  });

  it("interprets an empty worksheet", async () => {
    expect(await interpretWorksheet([], access())).toEqual({
      blocks: [],
      raw_to_block: [],
      block_to_raw: {},
      source: [],
    });
  });
});

describe("live updates for running bundles", () => {
  it("keeps only the blocks showing the given bundles", async () => {
    const dataAccess = access();
    const blocks = await interpretLiveUpdate(
      items(`intro\n{${RUN1}}\n\n% display contents /stdout\n{${RUN2}}\n\n{${DATA}}`),
      dataAccess,
      [RUN2],
    );
    expect(blocks.map((block) => block?.mode ?? null)).toEqual([null, null, "contents_block", null]);
    expect((blocks[2] as ContentsBlock).lines).toHaveLength(10);
    expect(dataAccess.calls.filter((call) => call.startsWith("readFile"))).toEqual([`readFile ${RUN2} stdout 10`]);
  });
});

describe("robustness", () => {
  it("ignores bundle and worksheet items without a uuid", async () => {
    const weird: WorksheetItem[] = [
      { id: 1, type: "bundle", bundle_uuid: null, subworksheet_uuid: null, value: "", sort_key: 1 },
      { id: 2, type: "worksheet", bundle_uuid: null, subworksheet_uuid: null, value: "", sort_key: 2 },
    ];
    const result = await interpretWorksheet(weird, access());
    expect(result.blocks.map((block) => block.mode)).toEqual(["table_block", "subworksheets_block"]);
  });

  it("masks unreadable bundles even when the data access returns them in full", async () => {
    const leaky = access();
    const full: BundleInfo = { ...secret };
    leaky.bundles = async () => new Map([[PRIV, full]]);
    const [table] = await blocksOf(`% display table name description\n{${PRIV}}`, {}, leaky);
    expect((table as TableBlock).rows).toEqual([{ name: "<private>", description: null }]);
  });
});
