/**
 * Worksheet search (spec §5.6, `cl wls`, `% wsearch`): core's parsed `WorksheetSearchQuery`
 * compiled to SQL, always restricted to worksheets the caller may read. Default order: the
 * caller's own worksheets first, then the most recently modified.
 */
import {
  CodalabError,
  type PermissionCaller,
  type SearchCondition,
  type WorksheetFilter,
  type WorksheetSearchQuery,
} from "@codalab/core";
import { and, asc, count, desc, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { worksheets } from "../db/schema.ts";
import { readableWorksheetCondition } from "../permissions/readable-sql.ts";

export const MAX_WORKSHEET_SEARCH_LIMIT = 1000;

const COLUMNS = {
  id: sql`${worksheets.id}`,
  uuid: sql`${worksheets.uuid}`,
  name: sql`${worksheets.name}`,
  title: sql`${worksheets.title}`,
  owner_id: sql`${worksheets.ownerId}`,
};

function match(expr: SQL, condition: SearchCondition, convert: (value: string) => string = (v) => v): SQL {
  const values = condition.values.map(convert);
  if (condition.op === "like") return sql`${expr} like ${values[0] ?? ""}`;
  if (condition.op === "in") {
    return sql`${expr} in (${sql.join(
      values.map((value) => sql`${value}`),
      sql`, `,
    )})`;
  }
  return sql`${expr} = ${values[0] ?? ""}`;
}

function filterCondition(filter: WorksheetFilter): SQL {
  switch (filter.field) {
    case "owner":
      return sql`${worksheets.ownerId} in (select u.id from users u where ${match(sql`lower(u.user_name)`, filter, (v) => v.toLowerCase())})`;
    case "tag":
      return sql`exists (select 1 from worksheet_tags t where t.worksheet_uuid = ${worksheets.uuid} and ${match(sql`t.tag`, filter)})`;
    case "bundle":
      return sql`exists (select 1 from worksheet_items bi where bi.worksheet_uuid = ${worksheets.uuid} and ${match(sql`bi.bundle_uuid`, filter)})`;
    case "worksheet":
      return sql`exists (select 1 from worksheet_items si where si.worksheet_uuid = ${worksheets.uuid} and ${match(sql`si.subworksheet_uuid`, filter)})`;
    default:
      return match(COLUMNS[filter.field], filter);
  }
}

function conditions(caller: PermissionCaller, query: WorksheetSearchQuery): SQL[] {
  const out: SQL[] = [];
  const readable = readableWorksheetCondition(caller);
  if (readable !== null) out.push(readable);
  const userId = caller.kind === "user" ? caller.userId : null;
  for (const term of query.terms) {
    const pattern = `%${term}%`;
    out.push(
      sql`(${worksheets.uuid} like ${pattern} or ${worksheets.name} like ${pattern} or ${worksheets.title} like ${pattern})`,
    );
  }
  for (const value of query.anyValues) {
    const pattern = `%${value}%`;
    out.push(sql`(${worksheets.uuid} like ${pattern} or ${worksheets.name} like ${pattern} or ${worksheets.title} like ${pattern}
      or exists (select 1 from worksheet_items vi where vi.worksheet_uuid = ${worksheets.uuid} and vi.value like ${pattern}))`);
  }
  for (const filter of query.filters) out.push(filterCondition(filter));
  for (const group of query.groups) {
    out.push(sql`exists (select 1 from group_worksheet_permissions gp join groups g on g.uuid = gp.group_uuid
      where gp.worksheet_uuid = ${worksheets.uuid} and gp.permission >= 1 and (g.uuid = ${group} or g.name = ${group}))`);
  }
  if (query.flags.mine) out.push(userId === null ? sql`0` : sql`${worksheets.ownerId} = ${userId}`);
  if (query.flags.notmine && userId !== null) out.push(sql`${worksheets.ownerId} != ${userId}`);
  if (query.flags.shared) {
    out.push(
      userId === null
        ? sql`0`
        : sql`exists (select 1 from group_worksheet_permissions sp where sp.worksheet_uuid = ${worksheets.uuid} and sp.permission >= 1
            and sp.group_uuid in (select ug.group_uuid from user_groups ug where ug.user_id = ${userId}))`,
    );
  }
  return out;
}

function ordering(caller: PermissionCaller, query: WorksheetSearchQuery): SQL[] {
  if (query.sort.length > 0) {
    return query.sort.map((key) => {
      const column = key.numeric ? sql`cast(${COLUMNS[key.field]} as real)` : COLUMNS[key.field];
      return key.desc ? desc(column) : asc(column);
    });
  }
  const mine = caller.kind === "user" ? [desc(sql`${worksheets.ownerId} = ${caller.userId}`)] : [];
  return [...mine, desc(worksheets.dateLastModified)];
}

export async function searchWorksheets(
  db: Db,
  caller: PermissionCaller,
  query: WorksheetSearchQuery,
): Promise<{ uuids: string[]; total: number }> {
  if (query.limit > MAX_WORKSHEET_SEARCH_LIMIT) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `.limit may be at most ${MAX_WORKSHEET_SEARCH_LIMIT}; page with .offset`,
    );
  }
  const where = and(...conditions(caller, query));
  const [rows, totals] = await Promise.all([
    db
      .select({ uuid: worksheets.uuid })
      .from(worksheets)
      .where(where)
      .orderBy(...ordering(caller, query), desc(worksheets.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(worksheets).where(where),
  ]);
  return { uuids: rows.map((row) => row.uuid), total: totals[0]?.total ?? 0 };
}
