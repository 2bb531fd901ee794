/**
 * Bundle search (spec §5.6): core's parsed `BundleSearchQuery` compiled to SQL over the typed
 * columns (custom metadata through `json_extract`), always restricted to bundles the caller may
 * read. Every value is a bound parameter; a query needing more than D1 allows is refused.
 */
import {
  applyPostProcessor,
  BUNDLE_COLUMN_FIELDS,
  type BundleSearchQuery,
  CodalabError,
  type PermissionCaller,
  type SearchCondition,
  type SearchSortKey,
} from "@codalab/core";
import { and, asc, count, desc, type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { bundles } from "../db/schema.ts";
import { readableBundleCondition } from "../permissions/readable-sql.ts";
import { FIELDS_BY_KEY, fieldColumn } from "./bundle-fields.ts";

export const MAX_SEARCH_LIMIT = 1000;
/** D1 allows 100 bound parameters; limit and offset take two. */
const MAX_SEARCH_PARAMETERS = 95;

type FieldKind = "text" | "number" | "bool" | "list" | "json";
type FieldExpression = { expr: SQL; kind: FieldKind };

const COLUMN_FIELDS: Record<(typeof BUNDLE_COLUMN_FIELDS)[number], FieldExpression> = {
  uuid: { expr: sql`${bundles.uuid}`, kind: "text" },
  id: { expr: sql`${bundles.id}`, kind: "number" },
  state: { expr: sql`${bundles.state}`, kind: "text" },
  command: { expr: sql`${bundles.command}`, kind: "text" },
  owner_id: { expr: sql`${bundles.ownerId}`, kind: "text" },
  bundle_type: { expr: sql`${bundles.bundleType}`, kind: "text" },
};

function isColumnField(field: string): field is keyof typeof COLUMN_FIELDS {
  return (BUNDLE_COLUMN_FIELDS as readonly string[]).includes(field);
}

function jsonPath(key: string): string {
  return `$."${key}"`;
}

/** How a search field is read: a column, a typed metadata column, or a key of the JSON column. */
function fieldExpression(field: string): FieldExpression {
  if (isColumnField(field)) return COLUMN_FIELDS[field];
  const typed = FIELDS_BY_KEY.get(field);
  if (typed !== undefined) {
    const column = sql`${fieldColumn(typed)}`;
    if (typed.kind === "list") return { expr: column, kind: "list" };
    if (typed.kind === "bool") return { expr: column, kind: "bool" };
    if (typed.kind === "text") return { expr: column, kind: "text" };
    return { expr: column, kind: "number" };
  }
  return { expr: sql`json_extract(${bundles.metadata}, ${jsonPath(field)})`, kind: "json" };
}

function match(expr: SQL, condition: SearchCondition, convert: (value: string) => string | number = (v) => v): SQL {
  const values = condition.values.map(convert);
  if (condition.op === "like") return sql`${expr} like ${values[0] ?? ""}`;
  if (condition.op === "in")
    return sql`${expr} in (${sql.join(
      values.map((value) => sql`${value}`),
      sql`, `,
    )})`;
  return sql`${expr} = ${values[0] ?? ""}`;
}

const asBool = (value: string): string | number => {
  const lower = value.toLowerCase();
  if (lower === "true") return 1;
  if (lower === "false") return 0;
  return value;
};

function filterCondition(field: string, condition: SearchCondition): SQL {
  if (field === "owner") {
    const names = sql`(select u.id from users u where ${match(sql`lower(u.user_name)`, condition, (v) => v.toLowerCase())})`;
    return sql`${bundles.ownerId} in ${names}`;
  }
  const { expr, kind } = fieldExpression(field);
  if (kind === "list") return sql`exists (select 1 from json_each(${expr}) where ${match(sql`value`, condition)})`;
  if (kind === "bool") return match(expr, condition, asBool);
  // CodaLab stored every metadata value as text: compare custom values the same way.
  if (kind === "json") return match(sql`cast(${expr} as text)`, condition);
  return match(expr, condition);
}

/** `=value`: uuid, command or any metadata value matches (equality, or LIKE with a wildcard). */
function anyValueCondition(value: string): SQL {
  const op = value.includes("%") ? sql`like` : sql`=`;
  const candidates = [
    sql`${bundles.uuid}`,
    sql`${bundles.command}`,
    sql`${bundles.name}`,
    sql`${bundles.description}`,
    sql`${bundles.license}`,
    sql`${bundles.sourceUrl}`,
    sql`${bundles.requestDockerImage}`,
    sql`${bundles.requestQueue}`,
  ];
  const columns = sql.join(
    candidates.map((candidate) => sql`${candidate} ${op} q.v`),
    sql` or `,
  );
  // The value is bound once and compared with every candidate.
  return sql`exists (select 1 from (select ${value} as v) q where ${columns}
    or exists (select 1 from json_each(${bundles.tags}) t where t.value ${op} q.v)
    or exists (select 1 from json_each(${bundles.metadata}) m where cast(m.value as text) ${op} q.v))`;
}

function conditions(caller: PermissionCaller, query: BundleSearchQuery): SQL[] {
  const out: SQL[] = [];
  const readable = readableBundleCondition(caller);
  if (readable !== null) out.push(readable);
  const userId = caller.kind === "user" ? caller.userId : null;
  for (const term of query.terms) {
    const pattern = `%${term}%`;
    out.push(sql`(${bundles.uuid} like ${pattern} or ${bundles.name} like ${pattern})`);
  }
  for (const value of query.anyValues) out.push(anyValueCondition(value));
  for (const filter of query.filters) out.push(filterCondition(filter.field, filter));
  for (const dependency of query.dependencies) {
    const key = dependency.key === null ? sql`` : sql` and d.child_path = ${dependency.key}`;
    out.push(
      sql`exists (select 1 from bundle_dependencies d where d.child_uuid = ${bundles.uuid} and ${match(sql`d.parent_uuid`, dependency)}${key})`,
    );
  }
  for (const host of query.hostWorksheets) {
    out.push(
      sql`exists (select 1 from worksheet_items wi where wi.bundle_uuid = ${bundles.uuid} and ${match(sql`wi.worksheet_uuid`, host)})`,
    );
  }
  for (const group of query.groups) {
    out.push(sql`exists (select 1 from group_bundle_permissions gp join groups g on g.uuid = gp.group_uuid
      where gp.bundle_uuid = ${bundles.uuid} and gp.permission >= 1 and (g.uuid = ${group} or g.name = ${group}))`);
  }
  if (query.flags.mine) out.push(userId === null ? sql`0` : sql`${bundles.ownerId} = ${userId}`);
  if (query.flags.shared) {
    out.push(
      userId === null
        ? sql`0`
        : sql`exists (select 1 from group_bundle_permissions sp where sp.bundle_uuid = ${bundles.uuid} and sp.permission >= 1
            and sp.group_uuid in (select ug.group_uuid from user_groups ug where ug.user_id = ${userId}))`,
    );
  }
  if (query.flags.floating) {
    out.push(sql`not exists (select 1 from worksheet_items fi where fi.bundle_uuid = ${bundles.uuid})`);
  }
  if (query.createdBefore !== null) out.push(sql`${bundles.created} <= ${query.createdBefore}`);
  if (query.createdAfter !== null) out.push(sql`${bundles.created} >= ${query.createdAfter}`);
  return out;
}

function sortExpression(key: SearchSortKey): SQL {
  const { expr, kind } = fieldExpression(key.field);
  if (kind === "json" && key.numeric) return sql`cast(${expr} as real)`;
  return expr;
}

/** What `.sum` adds up: numbers, whatever the column stores. */
function sumExpression(field: string): SQL {
  const { expr, kind } = fieldExpression(field);
  return kind === "number" ? expr : sql`cast(${expr} as real)`;
}

const dialect = new SQLiteAsyncDialect();

function checkParameterCount(where: SQL | undefined): void {
  if (where === undefined) return;
  const { params } = dialect.sqlToQuery(where);
  if (params.length > MAX_SEARCH_PARAMETERS) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `this search has too many values (${params.length}); at most ${MAX_SEARCH_PARAMETERS} are allowed, so split it up`,
    );
  }
}

export type BundleSearchResult =
  | { kind: "list"; uuids: string[]; total: number }
  | { kind: "aggregate"; result: number | string | null };

export async function searchBundles(
  db: Db,
  caller: PermissionCaller,
  query: BundleSearchQuery,
): Promise<BundleSearchResult> {
  if (query.limit > MAX_SEARCH_LIMIT) {
    throw new CodalabError("VALIDATION_FAILED", `.limit may be at most ${MAX_SEARCH_LIMIT}; page with .offset`);
  }
  const where = and(...conditions(caller, query));
  checkParameterCount(where);
  if (query.aggregate !== null) {
    const value =
      query.aggregate.kind === "count"
        ? sql<number>`count(*)`
        : sql<number | null>`sum(${sumExpression(query.aggregate.field)})`;
    const [row] = await db.select({ value }).from(bundles).where(where);
    const number = row?.value ?? 0;
    const formatted = applyPostProcessor(query.format, number);
    return {
      kind: "aggregate",
      result: typeof formatted === "number" || typeof formatted === "string" ? formatted : null,
    };
  }
  const order = query.sort.map((key) => (key.desc ? desc(sortExpression(key)) : asc(sortExpression(key))));
  const [rows, totals] = await Promise.all([
    db
      .select({ uuid: bundles.uuid })
      .from(bundles)
      .where(where)
      .orderBy(...order, asc(bundles.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(bundles).where(where),
  ]);
  return { kind: "list", uuids: rows.map((row) => row.uuid), total: totals[0]?.total ?? 0 };
}
