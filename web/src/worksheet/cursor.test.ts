import type { SubworksheetsBlock } from "@codalab/core/worksheet/blocks";
import { describe, expect, it } from "vitest";
import { markup, placeholder, table, UUID_A, UUID_B } from "../testing/blocks.ts";
import { bundleAt, clampCursor, insertAfterId, lastCursor, moveCursor } from "./cursor.ts";

const blocks = [
  markup("intro", [1, 2]),
  table([{ name: "a" }, { name: "b" }], { [UUID_A]: "ready", [UUID_B]: "ready" }, [3, 4]),
  markup("end", [5]),
];

describe("moveCursor", () => {
  it("steps through table rows one at a time and over other blocks whole", () => {
    const stops = [];
    let cursor = moveCursor(blocks, null, 1);
    while (cursor !== null && stops.length < 10) {
      stops.push([cursor.block, cursor.row]);
      const next = moveCursor(blocks, cursor, 1);
      if (next?.block === cursor.block && next.row === cursor.row) break;
      cursor = next;
    }
    expect(stops).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 0],
    ]);
  });

  it("moves up into the last row of the table above", () => {
    expect(moveCursor(blocks, { block: 2, row: 0 }, -1)).toEqual({ block: 1, row: 1 });
    expect(moveCursor(blocks, { block: 0, row: 0 }, -1)).toEqual({ block: 0, row: 0 });
  });

  it("jumps to the end, and starts from the end when moving up with no cursor", () => {
    expect(lastCursor(blocks)).toEqual({ block: 2, row: 0 });
    expect(moveCursor(blocks, null, -1)).toEqual({ block: 2, row: 0 });
    expect(moveCursor([], null, 1)).toBeNull();
  });

  it("keeps a cursor inside the page when blocks shrink", () => {
    expect(clampCursor(blocks, { block: 7, row: 9 })).toEqual({ block: 2, row: 0 });
    expect(clampCursor(blocks, { block: 1, row: 9 })).toEqual({ block: 1, row: 1 });
  });

  it("counts sub-worksheet rows", () => {
    const worksheets: SubworksheetsBlock = {
      mode: "subworksheets_block",
      subworksheet_infos: [
        { uuid: UUID_A, name: "a", title: null },
        { uuid: UUID_B, name: "b", title: null },
      ],
      ids: [7, 8],
      sort_keys: [7, 8],
    };
    expect(moveCursor([worksheets], { block: 0, row: 0 }, 1)).toEqual({ block: 0, row: 1 });
    expect(insertAfterId([worksheets], { block: 0, row: 0 })).toBe(7);
  });
});

describe("cursor targets", () => {
  it("names the bundle of a table row", () => {
    expect(bundleAt(blocks, { block: 1, row: 1 })).toBe(UUID_B);
    expect(bundleAt(blocks, { block: 0, row: 0 })).toBeUndefined();
    expect(bundleAt(blocks, null)).toBeUndefined();
  });

  it("inserts after the row's item in a table, else after the block's last item", () => {
    expect(insertAfterId(blocks, { block: 1, row: 0 })).toBe(3);
    expect(insertAfterId(blocks, { block: 0, row: 0 })).toBe(2);
    expect(insertAfterId(blocks, null)).toBeUndefined();
  });

  it("inserts after the nearest item above a search result, or at the top", () => {
    const searched = table([{ name: "a" }], { [UUID_A]: "ready" }, []);
    searched.ids = [null];
    expect(insertAfterId([markup("x", [4]), searched], { block: 1, row: 0 })).toBe(4);
    expect(insertAfterId([searched], { block: 0, row: 0 })).toBe(0);
    expect(insertAfterId([placeholder("search x")], { block: 0, row: 0 })).toBe(30);
  });
});
