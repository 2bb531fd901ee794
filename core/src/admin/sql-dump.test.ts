import { describe, expect, it } from "vitest";
import {
  insertStatement,
  MAX_STATEMENT_BYTES,
  nextPageRows,
  quoteIdentifier,
  rowStatements,
  schemaStatement,
  sqlLiteral,
} from "./sql-dump.ts";

describe("sqlLiteral", () => {
  it("writes numbers, NULL and booleans as SQLite reads them back", () => {
    expect([1, -2.5, 0, 2 ** 53 - 1, null, undefined, true, false].map(sqlLiteral)).toEqual([
      "1",
      "-2.5",
      "0",
      "9007199254740991",
      "NULL",
      "NULL",
      "1",
      "0",
    ]);
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(sqlLiteral)).toEqual([
      "NULL",
      "9e999",
      "-9e999",
    ]);
  });

  it("quotes strings, doubling single quotes, and writes ones with control characters as hex on one line", () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral("é ✓")).toBe("'é ✓'");
    expect(sqlLiteral("a\nb")).toBe("CAST(X'610a62' AS TEXT)");
    expect(sqlLiteral("tab\there")).not.toContain("\t");
  });

  it("writes blobs in every shape D1 returns them as hex", () => {
    expect(sqlLiteral(new Uint8Array([0, 255, 16]))).toBe("X'00ff10'");
    expect(sqlLiteral(new Uint8Array([1, 2]).buffer)).toBe("X'0102'");
    expect(sqlLiteral([171, 205])).toBe("X'abcd'");
  });

  it("refuses what has no SQL form", () => {
    expect(() => sqlLiteral({ a: 1 })).toThrow("cannot write object as an SQL literal");
  });
});

describe("statements", () => {
  it("quotes identifiers and builds one INSERT per row", () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(insertStatement("users", ["id", "user_name"], ["u1", "o'neil"])).toBe(
      `INSERT INTO "users" ("id","user_name") VALUES ('u1','o''neil');`,
    );
  });

  it("puts a multi-line CREATE on one line", () => {
    expect(schemaStatement("CREATE TABLE `t` (\n\t`a` text\n)")).toBe("CREATE TABLE `t` ( `a` text );");
  });
});

describe("rowStatements", () => {
  it("keeps a small row as one INSERT", () => {
    expect(rowStatements("t", ["a"], ["x"])).toEqual([`INSERT INTO "t" ("a") VALUES ('x');`]);
  });

  it("splits long text into appended pieces so that no statement passes D1's limit", () => {
    const long = `${"é".repeat(30_000)}\n${"😀".repeat(20_000)}'${"a".repeat(50_000)}`;
    const statements = rowStatements("t", ["id", "body", "short"], [7, long, "s"]);
    expect(statements[0]).toBe(`INSERT INTO "t" ("id","body","short") VALUES (7,'','s');`);
    expect(statements.length).toBeGreaterThan(2);
    for (const statement of statements) {
      expect(new TextEncoder().encode(statement).byteLength).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
      expect(statement).not.toContain("\n");
    }
    expect(statements[1]).toMatch(/^UPDATE "t" SET "body" = "body" \|\| .* WHERE rowid = last_insert_rowid\(\);$/);
  });
});

describe("nextPageRows", () => {
  it("grows pages of small rows, up to a cap, and shrinks pages of large ones, down to one row", () => {
    expect(nextPageRows(1000, 100_000)).toBe(2000);
    expect(nextPageRows(4000, 100_000)).toBe(5000);
    expect(nextPageRows(1000, 4 * 1024 * 1024)).toBe(1000);
    expect(nextPageRows(1000, 20 * 1024 * 1024)).toBe(500);
    expect(nextPageRows(1, 20 * 1024 * 1024)).toBe(1);
  });
});
