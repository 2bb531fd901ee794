/**
 * Interpretation through the API, with real bundles in R2: every example of spec §5 rendered as
 * `cl print` shows it (core's renderText over the blocks the API returns), the bad inputs of the
 * worksheet language as error blocks, and the two-step (blocks, then file cells) protocol.
 */
import { env } from "cloudflare:test";
import { type BundleJson, renderText, type TableBlock, type WorksheetBlock } from "@codalab/core";
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import { type ErrorBody, readyDirectoryBundle, readyFileBundle } from "./helpers/bundles.ts";
import { createWorksheet, interpret, setSource } from "./helpers/worksheets.ts";

let token: string;
let exp1: BundleJson;
let exp2: BundleJson;
let big: BundleJson;
let otherToken: string;
let secret: BundleJson;

const STATS1 = JSON.stringify({ train: { acc: 0.91234, loss: [0.5, 0.25] }, name: "first" });
const STATS2 = JSON.stringify({ train: { acc: 0.5, loss: [0.75] }, name: "second" });

async function setMetadata(uuid: string, metadata: Record<string, unknown>) {
  const res = await api("PATCH", `/rest/bundles/${uuid}`, { token, body: { metadata } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
}

beforeAll(async () => {
  ({ accessToken: token } = await signUpAndLogIn());
  exp1 = await readyDirectoryBundle(
    token,
    [
      { type: "file", path: "stats.json", data: STATS1 },
      { type: "file", path: "stdout", data: "epoch 1\nepoch 2\nepoch 3\ndone\n" },
      { type: "file", path: "log.tsv", data: "1\t0.5\n2\t0.3\n3\t0.2\n" },
      { type: "file", path: "params.yaml", data: "lr: 0.1\nlayers:\n  - 64\n  - 32\n" },
      { type: "file", path: "notes.txt", data: "just words\n" },
      { type: "file", path: "weights.bin", data: new Uint8Array([0, 1, 2, 0, 255]) },
      { type: "file", path: "plot.png", data: new Uint8Array([137, 80, 78, 71]) },
      { type: "directory", path: "out" },
    ],
    "exp1",
  );
  exp2 = await readyDirectoryBundle(token, [{ type: "file", path: "stats.json", data: STATS2 }], "exp2");
  big = await readyFileBundle(token, "x".repeat(4125), "big");
  await setMetadata(exp1.uuid, { description: "first run", tags: ["a", "b"], elapsed: 61, stamp: 1442488640 });
  await setMetadata(exp2.uuid, { description: "second run", elapsed: 3600, stamp: 1442488700 });
  ({ accessToken: otherToken } = await signUpAndLogIn());
  secret = await readyFileBundle(otherToken, "{}", "secret-name");
  await env.DB.prepare("delete from group_bundle_permissions where bundle_uuid = ?").bind(secret.uuid).run();
});

async function printed(lines: readonly string[], query = ""): Promise<string> {
  const ws = await createWorksheet(token);
  await setSource(token, ws.uuid, lines);
  return renderText((await interpret(token, ws.uuid, query)).blocks);
}

function table(text: string): string[] {
  return text.split("\n").map((line) => line.replace(/\s+$/, ""));
}

describe("printing a worksheet (spec §5 examples)", () => {
  it("shows markup paragraphs and hides comments (§5.2)", async () => {
    const text = await printed([
      "# Results",
      "// a comment that is never shown",
      "First line of a paragraph",
      "and its second line.",
      "",
      "Next paragraph",
    ]);
    expect(text).toBe("# Results\nFirst line of a paragraph\nand its second line.\n\nNext paragraph");
  });

  it("renders the default table, then schemas with file genpaths and every post-processor (§5.3–§5.5)", async () => {
    const defaults = await printed([`[]{${exp1.uuid}}`, `[]{${big.uuid}}`]);
    expect(table(defaults)).toEqual([
      "  uuid      name  summary     data_size  state  description",
      "  ---------------------------------------------------------",
      `  ${exp1.uuid.slice(0, 8)}  exp1  [uploaded]  155        ready  first run`,
      `  ${big.uuid.slice(0, 8)}  big   [uploaded]  4.0k       ready`,
    ]);
    const text = await printed([
      "% schema s",
      "% add name",
      "% add acc /stats.json:train/acc %.3f",
      "% add /stats.json:train/loss",
      "% add elapsed elapsed duration",
      "% add stamp stamp date",
      "% add size data_size size",
      "% add desc description [0:5]",
      "% add up description s/run/RUN",
      '% add link uuid "key uuid | add path /stdout | add text StandardOutput"',
      "% display table s",
      `[]{${exp1.uuid}}`,
      `[]{${exp2.uuid}}`,
      `[]{${secret.uuid}}`,
    ]);
    expect(table(text)).toEqual([
      "[Schema s]",
      "",
      "  name       acc          loss         elapsed  stamp                size  desc   up          link",
      "  ----------------------------------------------------------------------------------------------------------",
      "  exp1       0.912        [0.5,0.25]   1m1s     2015-09-17 11:17:20  155   first  first RUN   StandardOutput",
      "  exp2       0.500        [0.75]       1h       2015-09-17 11:18:20  51    secon  second RUN  StandardOutput",
      "  <private>  <Forbidden>  <Forbidden>                                                         StandardOutput",
    ]);
  });

  it("renders records, contents, images, graphs, hidden bundles and ad-hoc columns (§5.3)", async () => {
    const text = await printed([
      "% display record name acc:/stats.json:train/acc",
      `[]{${exp1.uuid}}`,
      "% display contents /stdout maxlines=2",
      `[]{${exp1.uuid}}`,
      "% display contents /out",
      `[]{${exp1.uuid}}`,
      "% display image /plot.png width=100",
      `[]{${exp1.uuid}}`,
      "% display graph /log.tsv",
      `[]{${exp1.uuid}}`,
      "% display hidden",
      `[]{${exp2.uuid}}`,
      "% display table name owner:owner yaml:/params.yaml:layers/0 kv:/params.yaml:lr text:/notes.txt",
      `[]{${exp1.uuid}}`,
    ]);
    expect(table(text)).toEqual([
      "  name:  exp1",
      "  acc:   0.91234",
      "",
      "epoch 1",
      "epoch 2",
      "",
      "<directory>",
      "",
      "[Image /plot.png]",
      "",
      "[Graph /log.tsv]",
      "",
      expect.stringMatching(/^ {2}name {2}owner +yaml {2}kv {3}text$/),
      expect.stringMatching(/^ {2}-+$/),
      expect.stringMatching(/^ {2}exp1 {2}\S+ +64 {4}0\.1 {2}just words$/),
    ]);
  });

  it("renders the bundle genpaths (§5.4)", async () => {
    const text = await printed([
      "% display record uuid:uuid type:bundle_type state:state permission:permission owner:owner summary:summary tags:tags host:host_worksheets groups:group_permissions",
      `[]{${exp1.uuid}}`,
    ]);
    expect(table(text)).toEqual([
      `  uuid:        ${exp1.uuid}`,
      "  type:        dataset",
      "  state:       ready",
      "  permission:  all",
      expect.stringMatching(/^ {2}owner: {7}user_/),
      "  summary:     [uploaded]",
      "  tags:        a b",
      expect.stringMatching(/^ {2}host: {8}ws-.*\(0x[0-9a-f]{32}\)/),
      "  groups:      -",
    ]);
  });

  it("follows a dependency key into the parent bundle for file genpaths (spec §4.3)", async () => {
    const child = await readyDirectoryBundle(token, [{ type: "file", path: "own.txt", data: "mine" }], "child");
    await env.DB.prepare(
      "insert into bundle_dependencies (child_uuid, child_path, parent_uuid, parent_path) values (?, 'in', ?, '')",
    )
      .bind(child.uuid, exp1.uuid)
      .run();
    const text = await printed([
      "% display table name deps:dependencies acc:/in/stats.json:train/acc own:/own.txt",
      `[]{${child.uuid}}`,
    ]);
    expect(table(text).slice(2)).toEqual(["  child  in:exp1  0.91234  mine"]);
  });

  it("expands searches, aggregates and worksheet searches, and lists sub-worksheets (§5.6)", async () => {
    const sub = await createWorksheet(token);
    await api("PATCH", `/rest/worksheets/${sub.uuid}`, { token, body: { title: "Sub title" } });
    const text = await printed([
      "% display table name",
      `% search name=exp1 .mine`,
      "% search name=exp.* .mine .count",
      `% wsearch ${sub.name}`,
      `[]{{${sub.uuid}}}`,
    ]);
    expect(table(text)).toEqual([
      "  name",
      "  ----",
      "  exp1",
      "",
      "2",
      "",
      `[worksheet ${sub.name}]{{${sub.uuid}}}`,
      `[worksheet ${sub.name}]{{${sub.uuid}}}`,
    ]);
  });
});

describe("bad worksheet content becomes error blocks, never a failed request", () => {
  it("reports an unknown directive, a malformed add, a missing schema and an unclosed quote by line", async () => {
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, [
      "% bogus directive",
      "% schema s",
      "% add",
      "% addschema nosuchschema",
      "% display table 'unclosed",
      "% display sideways",
    ]);
    const { blocks } = await interpret(token, ws.uuid);
    const errors = blocks
      .filter((block) => block.mode === "markup_block" && block.error)
      .map((block) => (block as { text: string }).text);
    expect(errors).toEqual([
      "Error in source line 1: unknown directive `bogus`",
      "Error in source line 3: `add` takes 1 to 3 arguments (<genpath> | <name> <genpath> [<post-processor>]), got 0",
      "Error in source line 4: unknown schema `nosuchschema`",
      expect.stringMatching(/^Error in source line 5: .*quot/),
      "Error in source line 6: Unknown display mode: sideways",
    ]);
  });

  it("shows a genpath into a missing file as empty and into a binary file as an error cell", async () => {
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, ["% display table m:/missing.json:x b:/weights.bin", `[]{${exp1.uuid}}`]);
    const { blocks } = await interpret(token, ws.uuid);
    expect((blocks[0] as TableBlock).rows).toEqual([{ m: null, b: { type: "error", message: "binary file" } }]);
  });
});

describe("the two-step protocol of the web app", () => {
  it("answers blocks with pending file cells first, then fills them in one request", async () => {
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, [
      "% display table name acc:/stats.json:train/acc:%.2f",
      `[]{${exp1.uuid}}`,
      `[]{${exp2.uuid}}`,
      `[]{${secret.uuid}}`,
    ]);
    const first = await interpret(token, ws.uuid, "?file_cells=defer");
    const rows = (first.blocks[0] as TableBlock).rows;
    expect(rows[0]?.acc).toEqual({
      type: "pending",
      bundle_uuid: exp1.uuid,
      genpath: "/stats.json:train/acc",
      post: "%.2f",
    });
    expect(rows[2]?.acc).toEqual({ type: "error", message: "Forbidden" });
    const cells = rows.flatMap((row) => (typeof row.acc === "object" && row.acc?.type === "pending" ? [row.acc] : []));
    const filled = await api<{ values: unknown[] }>("POST", "/rest/interpret/file-cells", {
      token,
      body: { cells: cells.map(({ bundle_uuid, genpath, post }) => ({ bundle_uuid, genpath, post })) },
    });
    expect(filled.body.values).toEqual(["0.91", "0.50"]);
    // exp1 was uploaded without a worksheet: only its owner may read it.
    const forbidden = await api<{ values: unknown[] }>("POST", "/rest/interpret/file-cells", {
      token: otherToken,
      body: { cells: [{ bundle_uuid: exp1.uuid, genpath: "/stats.json:name", post: null }] },
    });
    expect(forbidden.body.values).toEqual([{ type: "error", message: "Forbidden" }]);
    const bad = await api<ErrorBody>("POST", "/rest/interpret/file-cells", { token, body: { cells: [] } });
    expect(bad.status).toBe(400);
  });

  it("leaves searches as placeholders in brief mode and fills each with ?directive=", async () => {
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, ["% schema s", "% add name", "% display table s", "% search name=exp2 .mine"]);
    const brief = await interpret(token, ws.uuid, "?brief=1");
    const placeholder = brief.blocks.find((block) => block.mode === "placeholder_block");
    expect(placeholder).toMatchObject({ directive: "search name=exp2 .mine" });
    const res = await api<{ blocks: WorksheetBlock[] }>(
      "GET",
      `/rest/worksheets/${ws.uuid}/interpretation?directive=${encodeURIComponent("search name=exp2 .mine")}`,
      { token },
    );
    expect(renderText(res.body.blocks)).toBe("  name\n  ----\n  exp2");
  });

  it("returns only the blocks showing the given bundles for live updates", async () => {
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, ["intro", "", `[]{${exp1.uuid}}`, "", `[]{${exp2.uuid}}`]);
    const res = await api<{ blocks: (WorksheetBlock | null)[] }>(
      "GET",
      `/rest/worksheets/${ws.uuid}/interpretation?bundle_uuid=${exp2.uuid}`,
      { token },
    );
    expect(res.body.blocks.map((block) => block?.mode ?? null)).toEqual([null, null, "table_block"]);
    const bad = await api<ErrorBody>("GET", `/rest/worksheets/${ws.uuid}/interpretation?bundle_uuid=nope`, { token });
    expect(bad.status).toBe(400);
  });

  it("stops showing a file's values once the bundle's contents are deleted", async () => {
    const bundle = await readyDirectoryBundle(token, [{ type: "file", path: "stats.json", data: STATS1 }], "gone");
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, ["% display table acc:/stats.json:train/acc", `[]{${bundle.uuid}}`]);
    expect(((await interpret(token, ws.uuid)).blocks[0] as TableBlock).rows).toEqual([{ acc: 0.91234 }]);
    const removed = await api("POST", "/rest/bundles/delete", {
      token,
      body: { uuids: [bundle.uuid], data_only: true },
    });
    expect(removed.status).toBe(200);
    expect(((await interpret(token, ws.uuid)).blocks[0] as TableBlock).rows).toEqual([{ acc: null }]);
  });

  it("masks private bundles for anonymous readers of a public worksheet", async () => {
    const ws = await createWorksheet(token);
    await setSource(token, ws.uuid, [`[]{${secret.uuid}}`]);
    const res = await interpret(undefined, ws.uuid);
    expect(JSON.stringify(res)).not.toContain("secret-name");
    expect(renderText(res.blocks)).toContain("<private>");
  });
});
