import type { FileCellRequest, WorksheetBlock } from "@codalab/core/worksheet/blocks";
import { describe, expect, it, vi } from "vitest";
import type { Interpretation } from "../api/worksheet.ts";
import { markup, pending, placeholder, table, UUID_A, UUID_B } from "../testing/blocks.ts";
import { loadWorksheet, type WorksheetApi, type WorksheetView } from "./worksheet-loader.ts";

function interpretation(blocks: WorksheetBlock[]): Interpretation {
  return {
    worksheet: { uuid: UUID_A, name: "ws", version: 1, permission: "all" } as Interpretation["worksheet"],
    blocks,
    raw_to_block: [],
    block_to_raw: {},
    source: [],
  };
}

function recordingView() {
  let blocks: readonly WorksheetBlock[] = [];
  const failures: unknown[] = [];
  const snapshots: (readonly WorksheetBlock[])[] = [];
  const view: WorksheetView = {
    loaded: (loaded) => {
      blocks = loaded.blocks;
      snapshots.push(blocks);
    },
    blocks: () => blocks,
    update: (next) => {
      blocks = next;
      snapshots.push(next);
    },
    partFailed: (error) => failures.push(error),
  };
  return { view, failures, snapshots, current: () => blocks };
}

const cellValue = (request: FileCellRequest) => `${request.bundle_uuid.slice(2, 3)}${request.genpath}`;

describe("loadWorksheet", () => {
  it("shows the brief interpretation, then expands searches and fills every file cell", async () => {
    const searchTable = table([{ name: "b", acc: pending(UUID_B, "/acc") }], { [UUID_B]: "ready" });
    const api: WorksheetApi = {
      interpretation: async () =>
        interpretation([
          markup("intro"),
          table([{ name: "a", acc: pending(UUID_A, "/acc") }], { [UUID_A]: "ready" }),
          placeholder("search .mine"),
          placeholder("search nothing"),
        ]),
      directive: async (_, directive) => (directive === "search .mine" ? [searchTable] : []),
      fileCells: vi.fn(async (cells: readonly FileCellRequest[]) => cells.map(cellValue)),
    };
    const { view, failures, snapshots, current } = recordingView();
    await loadWorksheet(UUID_A, api, view);
    expect(failures).toEqual([]);
    expect(snapshots[0]).toHaveLength(4);
    expect(current().map((block) => block.mode)).toEqual(["markup_block", "table_block", "table_block"]);
    expect(current()[1]?.mode === "table_block" && current()[1]).toMatchObject({ rows: [{ acc: "a/acc" }] });
    expect(current()[2]?.mode === "table_block" && current()[2]).toMatchObject({ rows: [{ acc: "b/acc" }] });
    expect(api.fileCells).toHaveBeenCalledTimes(2);
  });

  it("fills the right block even when a placeholder above it expands while its cells load", async () => {
    let releaseCells: () => void = () => undefined;
    const cellsGate = new Promise<void>((resolve) => {
      releaseCells = resolve;
    });
    const api: WorksheetApi = {
      interpretation: async () =>
        interpretation([placeholder("search x"), table([{ acc: pending(UUID_A, "/acc") }], { [UUID_A]: "ready" })]),
      directive: async () => [markup("one"), markup("two")],
      fileCells: async (cells) => {
        await cellsGate;
        return cells.map(cellValue);
      },
    };
    const { view, current } = recordingView();
    const loading = loadWorksheet(UUID_A, api, view);
    await new Promise((resolve) => setTimeout(resolve, 0));
    releaseCells();
    await loading;
    expect(current().map((block) => block.mode)).toEqual(["markup_block", "markup_block", "table_block"]);
    const filled = current()[2];
    expect(filled?.mode === "table_block" && filled.rows[0]).toEqual({ acc: "a/acc" });
  });

  it("reports a failed search or cell read and still shows the rest", async () => {
    const api: WorksheetApi = {
      interpretation: async () =>
        interpretation([placeholder("search bad="), table([{ acc: pending(UUID_A, "/acc") }], { [UUID_A]: "ready" })]),
      directive: async () => {
        throw new Error("bad keyword");
      },
      fileCells: async () => {
        throw new Error("storage down");
      },
    };
    const { view, failures, current } = recordingView();
    await loadWorksheet(UUID_A, api, view);
    expect(failures.map(String).sort()).toEqual(["Error: bad keyword", "Error: storage down"]);
    expect(current()).toHaveLength(2);
  });

  it("asks for the file cells before drawing the blocks, so the server reads while the page draws", async () => {
    const order: string[] = [];
    const api: WorksheetApi = {
      interpretation: async () => interpretation([table([{ acc: pending(UUID_A, "/acc") }], { [UUID_A]: "ready" })]),
      directive: async () => [],
      fileCells: async (cells) => {
        order.push("cells asked");
        return cells.map(cellValue);
      },
    };
    const { view } = recordingView();
    const drawing = view.loaded;
    view.loaded = (loaded) => {
      order.push("drawn");
      drawing(loaded);
    };
    await loadWorksheet(UUID_A, api, view);
    expect(order).toEqual(["cells asked", "drawn"]);
  });
});
