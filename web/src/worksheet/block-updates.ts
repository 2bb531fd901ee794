/**
 * Immutable updates of the block list behind the worksheet page: expanding a lazily loaded
 * search, filling file cells as they arrive, and swapping in blocks pushed by live updates. Only
 * the blocks that change get new objects, so the page re-renders those and nothing else.
 */
import { FINAL_STATES } from "@codalab/core/constants";
import type {
  FileCellRequest,
  PendingCell,
  ResolvedCell,
  TableCell,
  WorksheetBlock,
} from "@codalab/core/worksheet/blocks";

/** Where a pending cell sits: table rows by column name, record rows by their index. */
export type CellLocation = { block: number; row: number; column: string | null; request: FileCellRequest };

function isPending(cell: TableCell): cell is PendingCell {
  return typeof cell === "object" && cell !== null && cell.type === "pending";
}

/** Every pending file cell, in page order; identical requests are asked for once by `uniqueRequests`. */
export function pendingCells(blocks: readonly WorksheetBlock[]): CellLocation[] {
  const found: CellLocation[] = [];
  blocks.forEach((block, blockIndex) => {
    if (block.mode === "table_block") {
      block.rows.forEach((row, rowIndex) => {
        for (const [column, cell] of Object.entries(row)) {
          if (isPending(cell)) found.push({ block: blockIndex, row: rowIndex, column, request: requestOf(cell) });
        }
      });
    } else if (block.mode === "record_block") {
      block.rows.forEach((row, rowIndex) => {
        if (isPending(row.value))
          found.push({ block: blockIndex, row: rowIndex, column: null, request: requestOf(row.value) });
      });
    }
  });
  return found;
}

function requestOf(cell: PendingCell): FileCellRequest {
  return { bundle_uuid: cell.bundle_uuid, genpath: cell.genpath, post: cell.post };
}

function requestKey(request: FileCellRequest): string {
  return JSON.stringify([request.bundle_uuid, request.genpath, request.post]);
}

/** The distinct requests among `cells`, and for each cell the index of its request. */
export function uniqueRequests(cells: readonly CellLocation[]): { requests: FileCellRequest[]; indexOf: number[] } {
  const requests: FileCellRequest[] = [];
  const byKey = new Map<string, number>();
  const indexOf = cells.map((cell) => {
    const key = requestKey(cell.request);
    let index = byKey.get(key);
    if (index === undefined) {
      index = requests.length;
      requests.push(cell.request);
      byKey.set(key, index);
    }
    return index;
  });
  return { requests, indexOf };
}

/**
 * Puts `values[i]` into `cells[i]`. A cell that is no longer pending with the same request (a live
 * update replaced its block meanwhile) is left alone.
 */
export function fillCells(
  blocks: readonly WorksheetBlock[],
  cells: readonly CellLocation[],
  values: readonly ResolvedCell[],
): WorksheetBlock[] {
  const next = [...blocks];
  const copied = new Set<number>();
  cells.forEach((cell, i) => {
    const value = values[i];
    const block = next[cell.block];
    if (value === undefined || block === undefined) return;
    if (block.mode === "table_block" && cell.column !== null) {
      const current = block.rows[cell.row]?.[cell.column];
      if (current === undefined || !isPending(current) || requestKey(current) !== requestKey(cell.request)) return;
      const copy = copied.has(cell.block) ? block : { ...block, rows: [...block.rows] };
      copied.add(cell.block);
      copy.rows[cell.row] = { ...copy.rows[cell.row], [cell.column]: value };
      next[cell.block] = copy;
    } else if (block.mode === "record_block" && cell.column === null) {
      const current = block.rows[cell.row]?.value;
      if (current === undefined || !isPending(current) || requestKey(current) !== requestKey(cell.request)) return;
      const copy = copied.has(cell.block) ? block : { ...block, rows: [...block.rows] };
      copied.add(cell.block);
      const row = copy.rows[cell.row];
      if (row !== undefined) copy.rows[cell.row] = { ...row, value };
      next[cell.block] = copy;
    }
  });
  return next;
}

/** The placeholder at `index` replaced by the blocks of its search (possibly none). */
export function expandPlaceholder(
  blocks: readonly WorksheetBlock[],
  index: number,
  replacement: readonly WorksheetBlock[],
): WorksheetBlock[] {
  return [...blocks.slice(0, index), ...replacement, ...blocks.slice(index + 1)];
}

export function hasPlaceholders(blocks: readonly WorksheetBlock[]): boolean {
  return blocks.some((block) => block.mode === "placeholder_block");
}

/** Bundles shown on the page that have not reached a final state: the ones live updates follow. */
export function unfinishedBundles(blocks: readonly WorksheetBlock[]): string[] {
  const uuids = new Set<string>();
  for (const block of blocks) {
    if (!("bundles_spec" in block)) continue;
    for (const info of block.bundles_spec.bundle_infos) {
      const state = "state" in info ? info.state : undefined;
      if (typeof state === "string" && !(FINAL_STATES as readonly string[]).includes(state)) uuids.add(info.uuid);
    }
  }
  return [...uuids];
}

/**
 * Blocks from a live update, aligned with the page's blocks, replace them where not null. When the
 * lengths differ the page no longer matches the worksheet (someone edited it): null asks the
 * caller to reload the whole worksheet instead.
 */
export function applyLiveBlocks(
  blocks: readonly WorksheetBlock[],
  live: readonly (WorksheetBlock | null)[],
): WorksheetBlock[] | null {
  if (live.length !== blocks.length) return null;
  if (live.some((block, i) => block !== null && block.mode !== blocks[i]?.mode)) return null;
  return blocks.map((block, i) => live[i] ?? block);
}
