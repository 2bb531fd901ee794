import { describe, expect, it } from "vitest";
import { markup, pending, placeholder, record, table, UUID_A, UUID_B } from "../testing/blocks.ts";
import {
  applyLiveBlocks,
  expandPlaceholder,
  fillCells,
  hasPlaceholders,
  pendingCells,
  unfinishedBundles,
  uniqueRequests,
} from "./block-updates.ts";

describe("file cells", () => {
  const blocks = [
    markup("intro"),
    table(
      [
        { name: "a", acc: pending(UUID_A, "/stats.json:acc"), loss: pending(UUID_A, "/log.tsv:loss", "%.2f") },
        { name: "b", acc: pending(UUID_B, "/stats.json:acc"), loss: 0.5 },
      ],
      { [UUID_A]: "ready", [UUID_B]: "running" },
    ),
    record([{ key: "acc", value: pending(UUID_A, "/stats.json:acc") }], { [UUID_A]: "ready" }),
  ];

  it("finds every pending cell in tables and records, and asks for each distinct file value once", () => {
    const cells = pendingCells(blocks);
    expect(cells.map((cell) => [cell.block, cell.row, cell.column])).toEqual([
      [1, 0, "acc"],
      [1, 0, "loss"],
      [1, 1, "acc"],
      [2, 0, null],
    ]);
    const { requests, indexOf } = uniqueRequests(cells);
    expect(requests).toHaveLength(3);
    expect(indexOf).toEqual([0, 1, 2, 0]);
  });

  it("fills the cells with their values and copies only the blocks that changed", () => {
    const cells = pendingCells(blocks);
    const filled = fillCells(blocks, cells, [0.91, "0.12", { type: "error", message: "Forbidden" }, 0.91]);
    expect(filled[0]).toBe(blocks[0]);
    expect(filled[1]).not.toBe(blocks[1]);
    expect(filled[1]?.mode === "table_block" && filled[1].rows).toEqual([
      { name: "a", acc: 0.91, loss: "0.12" },
      { name: "b", acc: { type: "error", message: "Forbidden" }, loss: 0.5 },
    ]);
    expect(filled[2]?.mode === "record_block" && filled[2].rows[0]?.value).toBe(0.91);
    expect(pendingCells(filled)).toEqual([]);
    // The original list is untouched.
    expect(pendingCells(blocks)).toHaveLength(4);
  });

  it("leaves a cell alone when a live update replaced its block with a different file meanwhile", () => {
    const cells = pendingCells(blocks);
    const replaced = [...blocks];
    replaced[1] = table([{ name: "a", acc: pending(UUID_A, "/other.json:acc") }], { [UUID_A]: "ready" });
    const filled = fillCells(replaced, cells.slice(0, 1), [0.91]);
    expect(filled[1]).toBe(replaced[1]);
  });
});

describe("placeholders and live updates", () => {
  it("replaces a placeholder with the blocks of its search, or with nothing", () => {
    const blocks = [markup("a"), placeholder("search .mine"), markup("b")];
    expect(hasPlaceholders(blocks)).toBe(true);
    const found = table([{ name: "x" }], { [UUID_A]: "ready" });
    expect(expandPlaceholder(blocks, 1, [found])).toEqual([blocks[0], found, blocks[2]]);
    const empty = expandPlaceholder(blocks, 1, []);
    expect(empty).toEqual([blocks[0], blocks[2]]);
    expect(hasPlaceholders(empty)).toBe(false);
  });

  it("follows only bundles that have not finished", () => {
    const blocks = [
      table([{ name: "a" }, { name: "b" }], { [UUID_A]: "running", [UUID_B]: "ready" }),
      record([], { [UUID_A]: "running" }),
      markup("x"),
    ];
    expect(unfinishedBundles(blocks)).toEqual([UUID_A]);
  });

  it("swaps in the blocks a live update sends and keeps the rest", () => {
    const blocks = [markup("a"), table([{ state: "running" }], { [UUID_A]: "running" })];
    const update = table([{ state: "ready" }], { [UUID_A]: "ready" });
    const next = applyLiveBlocks(blocks, [null, update]);
    expect(next?.[0]).toBe(blocks[0]);
    expect(next?.[1]).toBe(update);
  });

  it("asks for a reload when the live blocks no longer line up with the page", () => {
    const blocks = [markup("a"), table([{ state: "running" }], { [UUID_A]: "running" })];
    expect(applyLiveBlocks(blocks, [null])).toBeNull();
    expect(applyLiveBlocks(blocks, [table([], {}), null])).toBeNull();
  });
});
