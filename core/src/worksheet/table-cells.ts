/** Table and record cells: a column of a schema applied to one bundle. */

import type { PendingCell, ResolvedCell, TableCell } from "./blocks.ts";
import type { BlockBundleInfo } from "./data-access.ts";
import { interpretGenpath, isFileGenpath } from "./genpath.ts";
import { isJsonScalar, type JsonScalar, type JsonValue } from "./json-value.ts";
import { applyPostProcessor } from "./post-process.ts";
import type { SchemaColumn } from "./schemas.ts";

export const FORBIDDEN_CELL: ResolvedCell = { type: "error", message: "Forbidden" };

/**
 * A post-processed value → what a cell holds. Flat objects (from `key`/`add`) stay objects so the
 * web can render links; lists of strings (tags) are joined with spaces like `cl info` does;
 * anything else nested is shown as JSON.
 */
export function toCell(value: JsonValue): ResolvedCell {
  if (isJsonScalar(value)) return value;
  if (Array.isArray(value)) {
    return value.every((entry) => typeof entry === "string") ? value.join(" ") : JSON.stringify(value);
  }
  const entries = Object.entries(value);
  if (entries.every(([, entry]) => isJsonScalar(entry))) {
    return { type: "dict", value: Object.fromEntries(entries) as Record<string, JsonScalar> };
  }
  return JSON.stringify(value);
}

/** The cell of `column` for a bundle; file genpaths become pending cells for a later read. */
export function cellFor(info: BlockBundleInfo, column: SchemaColumn): TableCell {
  if (isFileGenpath(column.genpath)) {
    if (info.bundle_type === "private") return FORBIDDEN_CELL;
    if (info.bundle_type === "invalid") return toCell(applyPostProcessor(column.post, null));
    return { type: "pending", bundle_uuid: info.uuid, genpath: column.genpath, post: column.post };
  }
  return toCell(applyPostProcessor(column.post, interpretGenpath(info, column.genpath)));
}

export function isPendingCell(cell: TableCell): cell is PendingCell {
  return typeof cell === "object" && cell !== null && cell.type === "pending";
}

/** Plain text of a cell, as `cl print` shows it. */
export function cellText(cell: TableCell): string {
  if (cell === null) return "";
  if (typeof cell !== "object") return String(cell);
  switch (cell.type) {
    case "dict": {
      const label = cell.value.text ?? cell.value.path ?? null;
      return label === null ? JSON.stringify(cell.value) : String(label);
    }
    case "pending":
      return "...";
    case "error":
      return `<${cell.message}>`;
  }
}
