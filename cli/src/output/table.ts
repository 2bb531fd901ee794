/**
 * CodaLab's `print_table`: a header, a line of dashes as wide as the table, then the rows, columns
 * two spaces apart and padded to the widest cell (right-aligned for the numeric ones). Trailing
 * padding is trimmed.
 */
export type TableOptions = {
  /** Columns aligned to the right (sizes, `^N` references). */
  rightAlign?: readonly string[];
  indent?: string;
};

export function renderTable(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, string>>[],
  options: TableOptions = {},
): string[] {
  const indent = options.indent ?? "";
  const right = new Set(options.rightAlign ?? []);
  const cells = [columns.map(String), ...rows.map((row) => columns.map((column) => row[column] ?? ""))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => displayWidth(line[index] ?? ""))));
  const lines: string[] = [];
  for (const [lineIndex, line] of cells.entries()) {
    const padded = line.map((cell, index) => {
      const padding = " ".repeat((widths[index] ?? 0) - displayWidth(cell));
      return right.has(columns[index] ?? "") ? padding + cell : cell + padding;
    });
    lines.push(`${indent}${padded.join("  ")}`.trimEnd());
    if (lineIndex === 0) {
      const total = widths.reduce((sum, width) => sum + width, 0) + 2 * (columns.length - 1);
      lines.push(`${indent}${"-".repeat(total)}`);
    }
  }
  return lines;
}

/** Code points, as Python's len(): close enough to terminal columns for names and sizes. */
function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}
