/**
 * `cl wrm` (spec §1.2): a worksheet with items or frozen is refused unless `force`. Its items,
 * tags and permission rows go with it; items on other worksheets that embed it stay (they render
 * as a missing worksheet), because deleting mine must not edit yours.
 */
import { CodalabError, type PermissionCaller } from "@codalab/core";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { runBatch } from "../db/statement-batch.ts";
import { requireWorksheets } from "./worksheet-access.ts";

export async function deleteWorksheets(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
  force: boolean,
): Promise<string[]> {
  const unique = [...new Set(uuids)];
  const accesses = await requireWorksheets(db, caller, unique, "all");
  if (!force) {
    for (const { row } of accesses) {
      if (row.frozen !== null) {
        throw new CodalabError(
          "FROZEN",
          `worksheet ${row.name} (${row.uuid}) is frozen: unfreeze it first, or use --force`,
        );
      }
    }
    const list = JSON.stringify(unique);
    const nonEmpty = await db.all<{ uuid: string; items: number }>(sql`select worksheet_uuid as uuid, count(*) as items
      from worksheet_items where worksheet_uuid in (select value from json_each(${list})) group by worksheet_uuid`);
    const first = nonEmpty[0];
    if (first !== undefined) {
      const name = accesses.find((access) => access.row.uuid === first.uuid)?.row.name ?? first.uuid;
      throw new CodalabError(
        "CONFLICT",
        `worksheet ${name} (${first.uuid}) is not empty (${first.items} items): detach them first, or use --force`,
      );
    }
  }
  const list = JSON.stringify(unique);
  const inList = sql`(select value from json_each(${list}))`;
  await runBatch(db, [
    sql`delete from worksheet_items where worksheet_uuid in ${inList}`,
    sql`delete from worksheet_tags where worksheet_uuid in ${inList}`,
    sql`delete from group_worksheet_permissions where worksheet_uuid in ${inList}`,
    sql`delete from worksheets where uuid in ${inList}`,
  ]);
  return unique;
}
