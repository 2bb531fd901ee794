/**
 * Deleting an account (`cl ufarewell`, spec §1.4): only once it owns no bundles, worksheets or
 * groups (an empty home worksheet, created automatically on first use, goes with it) and its
 * workers run nothing. The user row is deleted first, guarded by the same conditions, and the
 * clean-up statements run only if it went: something created meanwhile stops it all.
 */
import { checkUserDeletion, homeWorksheetName, type OwnedThings, type PermissionCaller } from "@codalab/core";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { runBatch } from "../db/statement-batch.ts";
import type { UserRow } from "../env.ts";

function ownedCounts(user: UserRow): Record<keyof OwnedThings, SQL> {
  const home = homeWorksheetName(user.userName);
  return {
    bundles: sql`(select count(*) from bundles where owner_id = ${user.id})`,
    worksheets: sql`(select count(*) from worksheets w where w.owner_id = ${user.id}
      and not (w.name = ${home} and not exists (select 1 from worksheet_items i where i.worksheet_uuid = w.uuid)))`,
    groups: sql`(select count(*) from groups where owner_id = ${user.id})`,
    workerRuns: sql`(select count(*) from worker_runs wr join workers wk on wk.id = wr.worker_id where wk.owner_id = ${user.id})`,
  };
}

function loadOwned(db: Db, user: UserRow): Promise<OwnedThings> {
  const counts = ownedCounts(user);
  return db.get<OwnedThings>(
    sql`select ${counts.bundles} as bundles, ${counts.worksheets} as worksheets, ${counts.groups} as groups,
      ${counts.workerRuns} as workerRuns`,
  );
}

export async function deleteUser(db: Db, caller: PermissionCaller, user: UserRow): Promise<void> {
  const owned = await loadOwned(db, user);
  checkUserDeletion(caller, { id: user.id, userName: user.userName, isAdmin: user.isAdmin }, owned);
  const counts = ownedCounts(user);
  const ownsNothing = sql.join(
    Object.values(counts).map((count) => sql`${count} = 0`),
    sql` and `,
  );
  const gone = sql`not exists (select 1 from users where id = ${user.id})`;
  const home = sql`(select uuid from worksheets where owner_id = ${user.id} and name = ${homeWorksheetName(user.userName)})`;
  const [deleted] = await runBatch(db, [
    sql`delete from users where id = ${user.id} and ${ownsNothing} returning id`,
    sql`delete from group_worksheet_permissions where worksheet_uuid in ${home} and ${gone}`,
    sql`delete from worksheet_tags where worksheet_uuid in ${home} and ${gone}`,
    sql`delete from worksheets where uuid in ${home} and ${gone}`,
    sql`delete from user_groups where user_id = ${user.id} and ${gone}`,
    sql`delete from workers where owner_id = ${user.id} and ${gone}`,
    sql`delete from auth_tokens where user_id = ${user.id} and ${gone}`,
  ]);
  if ((deleted?.results.length ?? 0) === 0) {
    // Lost a race with a request that gave the user something: say what they own now.
    checkUserDeletion(
      caller,
      { id: user.id, userName: user.userName, isAdmin: user.isAdmin },
      await loadOwned(db, user),
    );
  }
}
