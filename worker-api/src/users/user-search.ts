/**
 * User search (`cl uls`, spec §1.4): core's parsed `UserSearchQuery` compiled to SQL. Private
 * fields (email, quotas, last login) are refused to non-admins before anything runs, by core's
 * `assertUserSearchAllowed`. Every value is a bound parameter.
 */
import {
  applyPostProcessor,
  assertUserSearchAllowed,
  CodalabError,
  type SearchCondition,
  type UserField,
  type UserSearchQuery,
} from "@codalab/core";
import { and, asc, count, desc, type SQL, sql } from "drizzle-orm";
import { MAX_SEARCH_LIMIT } from "../bundles/bundle-search.ts";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import type { UserRow } from "../env.ts";

const COLUMNS: Record<UserField, SQL> = {
  id: sql`${users.id}`,
  // User names are unique whatever their case, so they are compared without it.
  user_name: sql`lower(${users.userName})`,
  first_name: sql`${users.firstName}`,
  last_name: sql`${users.lastName}`,
  affiliation: sql`${users.affiliation}`,
  url: sql`${users.url}`,
  date_joined: sql`${users.dateJoined}`,
  email: sql`lower(${users.email})`,
  last_login: sql`${users.lastLogin}`,
  time_quota: sql`${users.timeQuota}`,
  time_used: sql`${users.timeUsed}`,
  disk_quota: sql`${users.diskQuota}`,
  disk_used: sql`${users.diskUsed}`,
  parallel_run_quota: sql`${users.parallelRunQuota}`,
};
const CASE_INSENSITIVE: readonly UserField[] = ["user_name", "email"];

function match(field: UserField, condition: SearchCondition): SQL {
  const values = CASE_INSENSITIVE.includes(field) ? condition.values.map((v) => v.toLowerCase()) : condition.values;
  const column = COLUMNS[field];
  if (condition.op === "like") return sql`${column} like ${values[0] ?? ""}`;
  if (condition.op === "in") {
    return sql`${column} in (${sql.join(
      values.map((value) => sql`${value}`),
      sql`, `,
    )})`;
  }
  return sql`${column} = ${values[0] ?? ""}`;
}

function conditions(query: UserSearchQuery): SQL[] {
  const out: SQL[] = [];
  for (const term of query.terms) {
    // The pattern is bound once and compared with each column.
    out.push(sql`exists (select 1 from (select ${`%${term}%`} as p) q where ${users.id} like q.p
      or ${users.userName} like q.p or ${users.firstName} like q.p or ${users.lastName} like q.p)`);
  }
  for (const filter of query.filters) out.push(match(filter.field, filter));
  if (query.joinedBefore !== null) out.push(sql`${users.dateJoined} <= ${query.joinedBefore}`);
  if (query.joinedAfter !== null) out.push(sql`${users.dateJoined} >= ${query.joinedAfter}`);
  if (query.activeBefore !== null) out.push(sql`${users.lastLogin} <= ${query.activeBefore}`);
  if (query.activeAfter !== null) out.push(sql`${users.lastLogin} >= ${query.activeAfter}`);
  for (const usage of query.usage) {
    const [used, quota] =
      usage.resource === "disk" ? [users.diskUsed, users.diskQuota] : [users.timeUsed, users.timeQuota];
    out.push(
      usage.bound === "at_most"
        ? sql`${used} <= ${usage.fraction} * ${quota}`
        : sql`${used} >= ${usage.fraction} * ${quota}`,
    );
  }
  return out;
}

export type UserSearchResult =
  | { kind: "list"; rows: UserRow[]; total: number }
  | { kind: "aggregate"; result: number | string | null };

/** D1 binds at most 100 parameters; limit and offset take two. */
const MAX_SEARCH_VALUES = 95;

function countValues(query: UserSearchQuery): number {
  const dates = [query.joinedBefore, query.joinedAfter, query.activeBefore, query.activeAfter];
  return (
    query.terms.length +
    query.filters.reduce((sum, filter) => sum + filter.values.length, 0) +
    query.usage.length +
    dates.filter((date) => date !== null).length
  );
}

export async function searchUsers(db: Db, query: UserSearchQuery, isAdmin: boolean): Promise<UserSearchResult> {
  assertUserSearchAllowed(query, isAdmin);
  const values = countValues(query);
  if (values > MAX_SEARCH_VALUES) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `this search has too many values (${values}); at most ${MAX_SEARCH_VALUES} are allowed, so split it up`,
    );
  }
  if (query.limit > MAX_SEARCH_LIMIT) {
    throw new CodalabError("VALIDATION_FAILED", `.limit may be at most ${MAX_SEARCH_LIMIT}; page with .offset`);
  }
  const where = and(...conditions(query));
  if (query.aggregate !== null) {
    const [row] = await db.select({ total: count() }).from(users).where(where);
    const formatted = applyPostProcessor(query.format, row?.total ?? 0);
    return {
      kind: "aggregate",
      result: typeof formatted === "number" || typeof formatted === "string" ? formatted : null,
    };
  }
  const order = query.sort.map((key) => (key.desc ? desc(COLUMNS[key.field]) : asc(COLUMNS[key.field])));
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(...order, asc(users.dateJoined), asc(users.userName))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return { kind: "list", rows, total: totals[0]?.total ?? 0 };
}
