import type { WorksheetBlock } from "@codalab/core/worksheet/blocks";
import { type Accessor, createContext, useContext } from "solid-js";
import type { Worksheet } from "../../api/worksheet.ts";
import type { Cursor } from "../../worksheet/cursor.ts";

/** What the blocks of a worksheet page share: the worksheet, the cursor, the selection and the actions. */
export type WorksheetPageContext = {
  worksheet: Accessor<Worksheet>;
  blocks: Accessor<readonly WorksheetBlock[]>;
  /** The signed-in user may change the worksheet (permission `all`, not frozen). */
  canEdit: Accessor<boolean>;
  cursor: Accessor<Cursor | null>;
  setCursor(cursor: Cursor): void;
  selected: Accessor<ReadonlySet<string>>;
  toggleSelected(uuid: string): void;
  /** Bundle uuids whose details are open under their row. */
  expanded: Accessor<ReadonlySet<string>>;
  toggleExpanded(uuid: string): void;
  /** Index of the markup block being edited inline, or "new" after the cursor. */
  editing: Accessor<number | "new" | null>;
  startEditing(block: number | "new"): void;
  stopEditing(): void;
  /** Saves the markup of a block (replacing its items) or a new block after the cursor. */
  saveMarkup(block: number | "new", text: string): Promise<void>;
  /** Replaces the items of a block with new source lines (schema editing). */
  replaceItems(block: number, source: string): Promise<void>;
  rerun(uuid: string): void;
};

export const WorksheetContext = createContext<WorksheetPageContext>();

export function useWorksheet(): WorksheetPageContext {
  const context = useContext(WorksheetContext);
  if (context === undefined) throw new Error("worksheet blocks must be inside a worksheet page");
  return context;
}

/** True when the cursor is on `block` (and on `row` when given). */
export function isAtCursor(cursor: Cursor | null, block: number, row?: number): boolean {
  return cursor !== null && cursor.block === block && (row === undefined || cursor.row === row);
}
