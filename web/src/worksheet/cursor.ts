/**
 * The worksheet cursor (spec §10.7: `j`/`k` move, `g g` top, `shift+g` end): a (block, row)
 * position. Tables and sub-worksheet lists have one row per bundle or worksheet; every other block
 * is one stop. The cursor also tells where a new item goes (`after_id`) and which bundle the
 * bundle shortcuts act on.
 */
import type { WorksheetBlock } from "@codalab/core/worksheet/blocks";

export type Cursor = { block: number; row: number };

export function rowCount(block: WorksheetBlock): number {
  if (block.mode === "table_block") return Math.max(block.rows.length, 1);
  if (block.mode === "subworksheets_block") return Math.max(block.subworksheet_infos.length, 1);
  return 1;
}

/** The cursor moved by `delta` rows (negative = up), clamped to the page. */
export function moveCursor(blocks: readonly WorksheetBlock[], cursor: Cursor | null, delta: number): Cursor | null {
  if (blocks.length === 0) return null;
  if (cursor === null) return delta >= 0 ? { block: 0, row: 0 } : lastCursor(blocks);
  let { block, row } = clampCursor(blocks, cursor);
  let steps = Math.abs(delta);
  while (steps > 0) {
    const current = blocks[block];
    if (current === undefined) break;
    if (delta > 0) {
      if (row + 1 < rowCount(current)) row += 1;
      else if (block + 1 < blocks.length) {
        block += 1;
        row = 0;
      } else break;
    } else if (row > 0) row -= 1;
    else if (block > 0) {
      block -= 1;
      row = rowCount(blocks[block] as WorksheetBlock) - 1;
    } else break;
    steps -= 1;
  }
  return { block, row };
}

export function lastCursor(blocks: readonly WorksheetBlock[]): Cursor | null {
  const last = blocks[blocks.length - 1];
  return last === undefined ? null : { block: blocks.length - 1, row: rowCount(last) - 1 };
}

/** Keeps a cursor on the page after blocks changed under it. */
export function clampCursor(blocks: readonly WorksheetBlock[], cursor: Cursor): Cursor {
  const block = Math.min(Math.max(cursor.block, 0), blocks.length - 1);
  const current = blocks[block];
  return { block, row: current === undefined ? 0 : Math.min(Math.max(cursor.row, 0), rowCount(current) - 1) };
}

/** The bundle at the cursor, for bundle shortcuts (details, rerun, download, select). */
export function bundleAt(blocks: readonly WorksheetBlock[], cursor: Cursor | null): string | undefined {
  if (cursor === null) return undefined;
  const block = blocks[cursor.block];
  if (block === undefined || !("bundles_spec" in block)) return undefined;
  const uuids = block.bundles_spec.uuid_spec;
  return block.mode === "table_block" ? uuids[cursor.row] : uuids[0];
}

function lastId(ids: readonly (number | null)[]): number | null {
  for (let i = ids.length - 1; i >= 0; i -= 1) {
    const id = ids[i];
    if (id !== null && id !== undefined) return id;
  }
  return null;
}

/**
 * The item a new item at the cursor goes after (`after_id`): the row's own item in a table, else
 * the block's last item. Blocks from searches have no items of their own, so the nearest item
 * above counts; above everything is 0, the top.
 */
export function insertAfterId(blocks: readonly WorksheetBlock[], cursor: Cursor | null): number | undefined {
  if (cursor === null) return undefined;
  const block = blocks[cursor.block];
  if (block === undefined) return undefined;
  if (block.mode === "table_block" || block.mode === "subworksheets_block") {
    const own = block.ids[cursor.row];
    if (own !== null && own !== undefined) return own;
  }
  for (let index = cursor.block; index >= 0; index -= 1) {
    const id = lastId(blocks[index]?.ids ?? []);
    if (id !== null) return id;
  }
  return 0;
}
