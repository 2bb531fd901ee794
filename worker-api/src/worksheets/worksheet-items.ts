/**
 * Worksheet items in D1: reading them in display order, and the statements of an item change.
 * Every change is one atomic batch whose statements are all guarded by the version the change was
 * computed from (and by the worksheet not being frozen); its last statement bumps the version, so
 * its row count says whether the change applied. Items go in through `json_each` of one JSON
 * parameter per ~1 MB, so a thousand lines are one or two statements, not a thousand.
 */
import {
  CodalabError,
  type NewWorksheetItem,
  requireNotFrozen,
  type WorksheetItem,
  type WorksheetItemJson,
} from "@codalab/core";
import { asc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { worksheetItems, worksheets } from "../db/schema.ts";
import { type BatchStatement, runBatch } from "../db/statement-batch.ts";

type ItemRow = typeof worksheetItems.$inferSelect;
export type StoredItem = WorksheetItem & { id: number; sort_key: number };

/** D1 refuses strings over 2 MB; stay well below it per statement. */
const MAX_JSON_BYTES_PER_STATEMENT = 1_000_000;

function toItem(row: ItemRow): StoredItem {
  return {
    id: row.id,
    type: row.type,
    bundle_uuid: row.bundleUuid,
    subworksheet_uuid: row.subworksheetUuid,
    value: row.value,
    sort_key: row.sortKey,
  };
}

export function itemJson(item: StoredItem): WorksheetItemJson {
  return { ...item };
}

export async function loadItems(db: Db, worksheetUuid: string): Promise<StoredItem[]> {
  const rows = await db
    .select()
    .from(worksheetItems)
    .where(eq(worksheetItems.worksheetUuid, worksheetUuid))
    .orderBy(asc(worksheetItems.sortKey), asc(worksheetItems.id));
  return rows.map(toItem);
}

/** The condition every statement of a change carries. */
function guard(worksheetUuid: string, version: number): SQL {
  return sql`exists (select 1 from worksheets gw where gw.uuid = ${worksheetUuid} and gw.version = ${version} and gw.frozen is null)`;
}

/** Items as `[type, bundle_uuid, subworksheet_uuid, value]` arrays in JSON chunks under the size limit. */
function jsonChunks(items: readonly NewWorksheetItem[]): { json: string; offset: number }[] {
  const encoder = new TextEncoder();
  const chunks: { json: string; offset: number }[] = [];
  let current: string[] = [];
  let bytes = 0;
  let offset = 0;
  items.forEach((item, index) => {
    const text = JSON.stringify([item.type, item.bundle_uuid, item.subworksheet_uuid, item.value]);
    const size = encoder.encode(text).byteLength + 1;
    if (current.length > 0 && bytes + size > MAX_JSON_BYTES_PER_STATEMENT) {
      chunks.push({ json: `[${current.join(",")}]`, offset });
      current = [];
      bytes = 0;
      offset = index;
    }
    current.push(text);
    bytes += size;
  });
  if (current.length > 0) chunks.push({ json: `[${current.join(",")}]`, offset });
  return chunks;
}

export type ItemChange = {
  /** Item ids to delete (all of them for a whole-source save). */
  deleteIds?: readonly number[];
  deleteAll?: boolean;
  /** Move every item after (sort_key, id) down by `by` places, to open a gap. */
  shiftAfter?: { sortKey: number; id: number; by: number };
  /** New items, with sort keys firstSortKey, firstSortKey + 1, … */
  insert?: { items: readonly NewWorksheetItem[]; firstSortKey: number };
};

function changeStatements(worksheetUuid: string, version: number, change: ItemChange): BatchStatement[] {
  const statements: BatchStatement[] = [];
  const guarded = guard(worksheetUuid, version);
  if (change.deleteAll) {
    statements.push(sql`delete from worksheet_items where worksheet_uuid = ${worksheetUuid} and ${guarded}`);
  } else if (change.deleteIds && change.deleteIds.length > 0) {
    statements.push(sql`delete from worksheet_items where worksheet_uuid = ${worksheetUuid}
      and id in (select value from json_each(${JSON.stringify(change.deleteIds)})) and ${guarded}`);
  }
  if (change.shiftAfter) {
    const { sortKey, id, by } = change.shiftAfter;
    statements.push(sql`update worksheet_items set sort_key = sort_key + ${by}
      where worksheet_uuid = ${worksheetUuid} and (sort_key > ${sortKey} or (sort_key = ${sortKey} and id > ${id}))
      and ${guarded}`);
  }
  if (change.insert) {
    for (const { json, offset } of jsonChunks(change.insert.items)) {
      statements.push(sql`insert into worksheet_items (worksheet_uuid, type, bundle_uuid, subworksheet_uuid, value, sort_key)
        select ${worksheetUuid}, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),
          json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), ${change.insert.firstSortKey + offset} + j.key
        from json_each(${json}) j where ${guarded} order by j.key`);
    }
  }
  statements.push(sql`update worksheets set version = version + 1, date_last_modified = unixepoch()
    where uuid = ${worksheetUuid} and version = ${version} and frozen is null`);
  return statements;
}

/**
 * Applies the change if the worksheet is still at `version` and not frozen. Answers false when
 * it moved on (nothing was written); a worksheet frozen meanwhile is 409 FROZEN.
 */
export async function applyItemChange(
  db: Db,
  worksheetUuid: string,
  version: number,
  change: ItemChange,
): Promise<boolean> {
  const results = await runBatch(db, changeStatements(worksheetUuid, version, change));
  if ((results[results.length - 1]?.meta.changes ?? 0) > 0) return true;
  const row = await db.query.worksheets.findFirst({ where: eq(worksheets.uuid, worksheetUuid) });
  if (row === undefined) throw new CodalabError("NOT_FOUND", `worksheet ${worksheetUuid} was deleted meanwhile`);
  requireNotFrozen("worksheet", worksheetUuid, row.frozen, "change its items");
  return false;
}

export function staleVersion(worksheetUuid: string, expected: number, current: number): CodalabError {
  return new CodalabError(
    "STALE_VERSION",
    `worksheet ${worksheetUuid} was changed by someone else since you loaded it (you edited version ${expected}, it is now at ${current}); nothing was saved`,
    { current_version: current, expected_version: expected },
  );
}
