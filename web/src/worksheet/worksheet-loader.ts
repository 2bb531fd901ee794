/**
 * Loads a worksheet the fast way (docs/design/worksheets-api.md, "The web's pattern"): the brief
 * interpretation first (searches as placeholders, file cells pending), then every placeholder's
 * blocks and the file cells, each applied as it arrives so the page fills in rather than waiting
 * for the slowest part. Blocks are tracked by identity, not index: a placeholder that expands
 * shifts the blocks after it while their cells are still on the way.
 */
import type { FileCellRequest, ResolvedCell, WorksheetBlock } from "@codalab/core/worksheet/blocks";
import type { Interpretation } from "../api/worksheet.ts";
import { type CellLocation, expandPlaceholder, fillCells, pendingCells, uniqueRequests } from "./block-updates.ts";

export type WorksheetApi = {
  interpretation(uuid: string, signal?: AbortSignal): Promise<Interpretation>;
  directive(uuid: string, directive: string): Promise<WorksheetBlock[]>;
  fileCells(cells: readonly FileCellRequest[]): Promise<ResolvedCell[]>;
};

export type WorksheetView = {
  /** The whole worksheet arrived (first load or reload). */
  loaded(interpretation: Interpretation): void;
  /** The current blocks; `update` swaps them for new ones. */
  blocks(): readonly WorksheetBlock[];
  update(blocks: WorksheetBlock[]): void;
  /** A placeholder or a batch of cells could not be loaded; the rest of the page still works. */
  partFailed(error: unknown): void;
};

/** Loads everything; resolves when placeholders and cells have all arrived (or failed). */
export async function loadWorksheet(
  uuid: string,
  api: WorksheetApi,
  view: WorksheetView,
  signal?: AbortSignal,
): Promise<void> {
  const interpretation = await api.interpretation(uuid, signal);
  if (signal?.aborted) return;
  // The cells and searches are asked for before the blocks are drawn: drawing a large worksheet
  // takes a while, and the server can read the files meanwhile. Answers apply once it is drawn.
  const work: Promise<void>[] = [fillPendingCells(api, view, interpretation.blocks, signal)];
  for (const block of interpretation.blocks) {
    if (block.mode !== "placeholder_block") continue;
    work.push(
      api.directive(uuid, block.directive).then(
        (replacement) => {
          if (signal?.aborted) return;
          const index = view.blocks().indexOf(block);
          if (index === -1) return;
          view.update(expandPlaceholder(view.blocks(), index, replacement));
          return fillPendingCells(api, view, replacement, signal);
        },
        (error: unknown) => view.partFailed(error),
      ),
    );
  }
  view.loaded(interpretation);
  await Promise.all(work);
}

/**
 * The server's `MAX_FILE_CELLS_PER_REQUEST`. Not imported: it lives in core's module of zod
 * schemas, whose top-level schema building would come along and triple the page's JavaScript.
 */
const FILE_CELLS_PER_REQUEST = 10_000;

type TrackedCell = { ref: WorksheetBlock; location: CellLocation };

/** Reads the pending cells of `blocks` (which must be on the page) and puts the values in. */
export async function fillPendingCells(
  api: Pick<WorksheetApi, "fileCells">,
  view: WorksheetView,
  blocks: readonly WorksheetBlock[],
  signal?: AbortSignal,
): Promise<void> {
  const cells: TrackedCell[] = pendingCells(blocks).map((location) => ({
    ref: blocks[location.block] as WorksheetBlock,
    location,
  }));
  for (let start = 0; start < cells.length; start += FILE_CELLS_PER_REQUEST) {
    const batch = cells.slice(start, start + FILE_CELLS_PER_REQUEST);
    const { requests, indexOf } = uniqueRequests(batch.map((cell) => cell.location));
    let values: ResolvedCell[];
    try {
      values = await api.fileCells(requests);
    } catch (error) {
      view.partFailed(error);
      return;
    }
    if (signal?.aborted) return;
    // Where each block is now; blocks replaced meanwhile (live updates, reloads) are skipped.
    const current = view.blocks();
    const located: CellLocation[] = [];
    const batchValues: ResolvedCell[] = [];
    batch.forEach((cell, i) => {
      const index = current.indexOf(cell.ref);
      const value = values[indexOf[i] ?? -1];
      if (index === -1 || value === undefined) return;
      located.push({ ...cell.location, block: index });
      batchValues.push(value);
    });
    if (located.length > 0) view.update(fillCells(current, located, batchValues));
  }
}
