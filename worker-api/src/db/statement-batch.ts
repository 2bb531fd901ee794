/**
 * Atomic batches mixing query-builder statements and raw SQL. drizzle's `db.batch` cannot take
 * raw `sql` statements on D1, so both kinds are rendered and sent through D1's own `batch`,
 * which runs them in one transaction, in order.
 */
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";

const dialect = new SQLiteAsyncDialect();

export type BatchStatement = SQL | { toSQL(): { sql: string; params: unknown[] } };

function isSql(statement: BatchStatement): statement is SQL {
  return "queryChunks" in statement;
}

export function prepareStatement(db: Db, statement: BatchStatement): D1PreparedStatement {
  const { sql, params } = isSql(statement) ? dialect.sqlToQuery(statement) : statement.toSQL();
  return db.$client.prepare(sql).bind(...params);
}

export async function runBatch(db: Db, statements: readonly BatchStatement[]): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  return db.$client.batch(statements.map((statement) => prepareStatement(db, statement)));
}
