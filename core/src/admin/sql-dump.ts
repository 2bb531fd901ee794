/**
 * SQL text of a logical backup of a D1 (SQLite) database, one statement per line, restorable with
 * `wrangler d1 execute <db> --remote --file dump.sql`. Strings holding control characters (a line
 * break, say) are written as hex so that no statement spans lines: D1's `exec` and simple tools
 * split on line ends.
 */

/** `"name"`, with inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** A value as D1 returns it (null, number, string, or a blob as bytes or a number array) as an SQL literal. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NULL";
    if (!Number.isFinite(value)) return value > 0 ? "9e999" : "-9e999";
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is looked for.
    if (/[\u0000-\u001f\u007f]/.test(value)) return `CAST(X'${hex(new TextEncoder().encode(value))}' AS TEXT)`;
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (value instanceof ArrayBuffer) return `X'${hex(new Uint8Array(value))}'`;
  if (ArrayBuffer.isView(value)) return `X'${hex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))}'`;
  if (Array.isArray(value) && value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte < 256)) {
    return `X'${hex(Uint8Array.from(value as number[]))}'`;
  }
  throw new TypeError(`cannot write ${typeof value} as an SQL literal`);
}

export function insertStatement(table: string, columns: readonly string[], row: readonly unknown[]): string {
  return `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(",")}) VALUES (${row.map(sqlLiteral).join(",")});`;
}

/** D1 refuses SQL statements longer than 100 KB; statements of a dump stay below this. */
export const MAX_STATEMENT_BYTES = 90_000;
/** Characters per appended piece: at 4 UTF-8 bytes each, written as hex, still under the limit. */
const PIECE_CHARS = 10_000;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** `text` cut into pieces of at most `PIECE_CHARS`, never between the halves of a surrogate pair. */
function pieces(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + PIECE_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/**
 * The statements restoring one row: its INSERT, or, when that would pass `MAX_STATEMENT_BYTES`, an
 * INSERT with its long text values empty followed by UPDATEs appending them piece by piece to the
 * row just inserted (`last_insert_rowid()`: a restore runs the statements in order on one
 * connection). Long blobs are not split; our schema stores none.
 */
export function rowStatements(table: string, columns: readonly string[], row: readonly unknown[]): string[] {
  const insert = insertStatement(table, columns, row);
  // At most 3 UTF-8 bytes per UTF-16 unit: most rows pass without being encoded.
  if (insert.length * 3 <= MAX_STATEMENT_BYTES || utf8Length(insert) <= MAX_STATEMENT_BYTES) return [insert];
  const long = new Set(
    row.flatMap((value, index) => (typeof value === "string" && value.length > PIECE_CHARS / 4 ? [index] : [])),
  );
  const statements = [
    insertStatement(
      table,
      columns,
      row.map((value, index) => (long.has(index) ? "" : value)),
    ),
  ];
  for (const index of long) {
    const column = quoteIdentifier(columns[index] ?? "");
    for (const piece of pieces(row[index] as string)) {
      statements.push(
        `UPDATE ${quoteIdentifier(table)} SET ${column} = ${column} || ${sqlLiteral(piece)} WHERE rowid = last_insert_rowid();`,
      );
    }
  }
  return statements;
}

/** A schema object's `CREATE …` text from sqlite_master, as one line ending in `;`. */
export function schemaStatement(sql: string): string {
  return `${sql.replace(/\s*\n\s*/g, " ").trim()};`;
}

export function dumpHeader(generatedAt: Date): string {
  return [
    `-- CodaLab D1 backup, ${generatedAt.toISOString()}.`,
    "-- Restore into an empty database: wrangler d1 execute <database> --remote --file <this file, gunzipped>",
    "-- Rows were read table by table, not in one transaction (see docs/operators/backups.md).",
    "PRAGMA defer_foreign_keys = on;",
    "",
  ].join("\n");
}

/** Rows per query of a dump: D1 allows 1000 queries per invocation, so pages start large. */
export const FIRST_PAGE_ROWS = 1000;
const MAX_PAGE_ROWS = 5000;
/** A page of SQL text this large halves the next page (D1 answers at most 50 MB per query). */
const PAGE_BYTES_HIGH = 8 * 1024 * 1024;
const PAGE_BYTES_LOW = 1024 * 1024;

/** The next page's row count after a page of `rows` rows that became `bytes` of SQL. */
export function nextPageRows(rows: number, bytes: number): number {
  if (bytes > PAGE_BYTES_HIGH) return Math.max(1, Math.floor(rows / 2));
  if (bytes < PAGE_BYTES_LOW) return Math.min(MAX_PAGE_ROWS, rows * 2);
  return rows;
}
