import { describe, expect, it } from "vitest";
import { interpretWorksheet } from "../worksheet/interpret.ts";
import { createMemoryDataAccess, makeBundleInfo } from "../worksheet/memory-data-access.ts";
import { itemsFromParsedLines, parseSource } from "../worksheet/source.ts";
import {
  AddWorksheetItemsRequestSchema,
  NewWorksheetItemSchema,
  SaveWorksheetSourceRequestSchema,
  WorksheetBlockSchema,
} from "./worksheets.ts";

const RUN = "0x11111111111111111111111111111111";
const WS = "0x22222222222222222222222222222222";

describe("worksheet wire schemas", () => {
  it("accept every block mode the interpreter produces", async () => {
    const source = [
      "# Title",
      "",
      "% schema s",
      "% add acc /stats.json:acc %.2f",
      "% addschema default",
      `[]{${RUN}}`,
      "% display table s",
      `[]{${RUN}}`,
      "% display record s",
      `[]{${RUN}}`,
      "% display contents /stdout",
      `[]{${RUN}}`,
      "% display image /plot.png",
      `[]{${RUN}}`,
      "% display html /page.html",
      `[]{${RUN}}`,
      "% display graph /log.tsv",
      `[]{${RUN}}`,
      `[]{{${WS}}}`,
      "% search train",
      "% bogus",
    ];
    const parsed = parseSource(source);
    const items = itemsFromParsedLines(parsed, {
      bundles: new Map(parsed.filter((line) => line.type === "bundle").map((line) => [line.line, RUN])),
      worksheets: new Map([[19, WS]]),
    }).map((item, index) => ({ ...item, id: index + 1, sort_key: index + 1 }));
    const access = createMemoryDataAccess({
      bundles: [makeBundleInfo({ uuid: RUN, bundle_type: "run", name: "train" })],
      worksheets: [{ uuid: WS, name: "sub", title: null, permission: "read" }],
      files: {
        [RUN]: {
          "stats.json": '{"acc": 0.5}',
          stdout: "hello\n",
          "plot.png": "x",
          "page.html": "<p>",
          "log.tsv": "1\t2\n",
        },
      },
    });
    for (const brief of [false, true]) {
      const interpreted = await interpretWorksheet(items, access, { brief });
      const modes = new Set<string>();
      for (const block of interpreted.blocks) {
        const result = WorksheetBlockSchema.safeParse(block);
        expect(result.error?.issues ?? [], block.mode).toEqual([]);
        modes.add(block.mode);
      }
      expect(modes.size).toBeGreaterThanOrEqual(brief ? 10 : 9);
    }
  });

  it("require a version with a source save", () => {
    expect(SaveWorksheetSourceRequestSchema.safeParse({ source: "x" }).success).toBe(false);
    expect(SaveWorksheetSourceRequestSchema.safeParse({ source: "x", version: 3 }).success).toBe(true);
  });

  it("name bundle and worksheet items by uuid only", () => {
    expect(NewWorksheetItemSchema.safeParse({ type: "bundle", bundle_uuid: "train" }).success).toBe(false);
    expect(AddWorksheetItemsRequestSchema.safeParse({ items: [{ type: "markup", value: "hi" }] }).success).toBe(true);
  });
});
