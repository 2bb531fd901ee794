/**
 * Interpreted blocks → plain text, as `cl print` shows a worksheet: markup as written, tables as
 * aligned columns under a dashed rule, records as `key: value` lines, file contents, sub-worksheets
 * as `[worksheet name]{{uuid}}` lines, and a one-line placeholder for what text cannot show.
 */
import type { FetchStatus, TableCell, WorksheetBlock } from "./blocks.ts";
import { renderWorksheetLine } from "./source.ts";
import { cellText } from "./table-cells.ts";

const INDENT = "  ";
const COLUMN_GAP = "  ";

/** Blocks separated by blank lines. */
export function renderText(blocks: readonly WorksheetBlock[]): string {
  return blocks.map(renderBlock).join("\n\n");
}

export function renderBlock(block: WorksheetBlock): string {
  switch (block.mode) {
    case "markup_block":
      return block.text;
    case "table_block":
      return renderTable(
        block.header,
        block.rows.map((row) => block.header.map((name) => row[name] ?? null)),
      );
    case "record_block":
      return alignColumns(block.rows.map((row) => [`${row.key}:`, cellText(row.value)])).join("\n");
    case "contents_block":
      return block.lines === null
        ? `ERROR: ${statusText(block.status)} (/${block.target_genpath})`
        : block.lines.join("\n");
    case "image_block":
      return `[Image /${block.target_genpath}]`;
    case "html_block":
      return `[HTML /${block.target_genpath}]`;
    case "graph_block":
      return `[Graph /${block.target_genpath}]`;
    case "schema_block":
      return `[Schema ${block.schema_name}]`;
    case "subworksheets_block":
      return block.subworksheet_infos.map((info) => renderWorksheetLine(info.uuid, info)).join("\n");
    case "placeholder_block":
      return `[Placeholder] % ${block.directive}`;
  }
}

function statusText(status: FetchStatus): string {
  if (status.code === "no_permission") return "forbidden";
  if (status.code === "not_found") return "not found";
  return status.error_message || status.code;
}

/** Header, a dashed rule as wide as the table, then one line per row. */
export function renderTable(header: readonly string[], rows: readonly (readonly TableCell[])[]): string {
  const texts = [[...header], ...rows.map((row) => row.map((cell) => cellText(cell).replace(/\r?\n/g, " ")))];
  const widths = columnWidths(texts);
  const lines = alignColumns(texts, widths);
  const rule = widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP.length * Math.max(widths.length - 1, 0);
  lines.splice(1, 0, INDENT + "-".repeat(rule));
  return lines.join("\n");
}

function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, textWidth(cell));
    });
  }
  return widths;
}

function alignColumns(rows: readonly (readonly string[])[], widths = columnWidths(rows)): string[] {
  return rows.map((row) =>
    (
      INDENT + row.map((cell, index) => cell + " ".repeat((widths[index] ?? 0) - textWidth(cell))).join(COLUMN_GAP)
    ).trimEnd(),
  );
}

/** Width in code points (so accented and CJK text count once per character). */
function textWidth(text: string): number {
  return Array.from(text).length;
}
