import { describe, expect, it } from "vitest";
import { fetchStatus, readyStatus, type WorksheetBlock } from "./blocks.ts";
import { makeBundleInfo } from "./memory-data-access.ts";
import { renderBlock, renderTable, renderText } from "./render-text.ts";

const info = makeBundleInfo({ uuid: "0x1", name: "train" });
const spec = { spec_type: "uuid_spec" as const, uuid_spec: ["0x1"], bundle_infos: [info], fetch_status: readyStatus() };
const origin = { ids: [1], sort_keys: [10] };

describe("rendering blocks as text", () => {
  it("separates blocks with blank lines and prints markup as written", () => {
    const blocks: WorksheetBlock[] = [
      { mode: "markup_block", text: "# Title\nline", error: false, ...origin },
      { mode: "markup_block", text: "Error in source line 3: oops", error: true, ...origin },
    ];
    expect(renderText(blocks)).toBe("# Title\nline\n\nError in source line 3: oops");
  });

  it("aligns table columns under a dashed rule", () => {
    const text = renderBlock({
      mode: "table_block",
      bundles_spec: spec,
      status: readyStatus(),
      header: ["uuid", "name", "acc"],
      rows: [
        { uuid: "0x111111", name: "train", acc: "0.91" },
        { uuid: "0x222222", name: "évaluation", acc: null },
      ],
      first_bundle_source_index: 0,
      using_schemas: ["default"],
      ...origin,
    });
    expect(text).toBe(
      [
        "  uuid      name        acc",
        "  --------------------------",
        "  0x111111  train       0.91",
        "  0x222222  évaluation",
      ].join("\n"),
    );
  });

  it("shows links, pending cells, errors and multi-line values on one line", () => {
    expect(
      renderTable(
        ["a", "b", "c", "d", "e", "f"],
        [
          [
            { type: "dict", value: { uuid: "0x1", path: "/stdout", text: "StandardOutput" } },
            { type: "dict", value: { path: "/stdout" } },
            { type: "pending", bundle_uuid: "0x1", genpath: "/x", post: null },
            { type: "error", message: "Forbidden" },
            "two\nlines",
            { type: "dict", value: { k: 1 } },
          ],
        ],
      ),
    ).toBe(
      [
        "  a               b        c    d            e          f",
        "  -------------------------------------------------------------",
        '  StandardOutput  /stdout  ...  <Forbidden>  two lines  {"k":1}',
      ].join("\n"),
    );
  });

  it("prints records as key: value lines", () => {
    const text = renderBlock({
      mode: "record_block",
      bundles_spec: spec,
      status: readyStatus(),
      header: ["key", "value"],
      rows: [
        { key: "name", value: "train" },
        { key: "data_size", value: 4125 },
        { key: "ok", value: true },
      ],
      first_bundle_source_index: 0,
      using_schemas: ["s"],
      ...origin,
    });
    expect(text).toBe("  name:       train\n  data_size:  4125\n  ok:         true");
  });

  it("prints file contents, or why they are missing", () => {
    const contents = {
      mode: "contents_block" as const,
      bundles_spec: spec,
      target_genpath: "stdout",
      max_lines: 10,
      ...origin,
    };
    expect(renderBlock({ ...contents, status: readyStatus(), lines: ["a", "b"] })).toBe("a\nb");
    expect(renderBlock({ ...contents, status: fetchStatus("not_found"), lines: null })).toBe(
      "ERROR: not found (/stdout)",
    );
    expect(renderBlock({ ...contents, status: fetchStatus("no_permission"), lines: null })).toBe(
      "ERROR: forbidden (/stdout)",
    );
    expect(renderBlock({ ...contents, status: fetchStatus("unknown"), lines: null })).toBe("ERROR: unknown (/stdout)");
  });

  it("prints one-line placeholders for images, html, graphs, schemas and lazy searches", () => {
    const file = { bundles_spec: spec, target_genpath: "plot.png", status: readyStatus(), ...origin };
    expect(renderBlock({ mode: "image_block", ...file, width: null, height: null })).toBe("[Image /plot.png]");
    expect(renderBlock({ mode: "html_block", ...file, target_genpath: "a.html" })).toBe("[HTML /a.html]");
    expect(
      renderBlock({
        mode: "graph_block",
        ...file,
        target_genpath: "log.tsv",
        trajectories: [],
        max_lines: 10,
        x: 0,
        y: 1,
        xlabel: null,
        ylabel: null,
      }),
    ).toBe("[Graph /log.tsv]");
    expect(
      renderBlock({
        mode: "schema_block",
        schema_name: "s",
        header: ["field", "generalized-path", "post-processor"],
        field_rows: [],
        ...origin,
      }),
    ).toBe("[Schema s]");
    expect(renderBlock({ mode: "placeholder_block", directive: "search type=run", ...origin })).toBe(
      "[Placeholder] % search type=run",
    );
  });

  it("prints sub-worksheets as worksheet links", () => {
    expect(
      renderBlock({
        mode: "subworksheets_block",
        subworksheet_infos: [
          { uuid: "0xa", name: "home-alice", title: "Home" },
          { uuid: "0xb", name: "secret", title: null, permission: "none" },
        ],
        ids: [1, 2],
        sort_keys: [1, 2],
      }),
    ).toBe("[worksheet home-alice]{{0xa}}\n[worksheet <private>]{{0xb}}");
  });
});
