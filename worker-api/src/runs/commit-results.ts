/**
 * Committing a finished run (state machine effect `commit_results`): the runner uploaded the run's
 * directory and reported `run_finished`; the bundle is `finalizing`. One guarded batch applies
 * `finalized` (→ ready, failed or killed) together with what the results change: `is_dir` and
 * `data_size`, the owner's disk quota, the time quota for runs on the shared pool, and the end of
 * the upload record. First finalisation wins: a repeated commit finds a final bundle and changes
 * nothing. A run whose results never arrived fails with a message saying so, unless it already
 * has one (a kill, an exit code).
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bundles, users, workerRuns, workers } from "../db/schema.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import { type AppliedTransition, applyTransition, type ExtraStatement } from "./apply-transition.ts";
import { dropResultUpload, uploadedResults } from "./result-upload.ts";

export const NO_RESULTS_MESSAGE = "The worker did not upload the run's results.";

/** Seconds of run time charged to the owner: only on the shared pool of someone else's (admin's) workers. */
async function chargedWorker(db: Db, workerId: string | null, ownerId: string): Promise<boolean> {
  if (workerId === null) return false;
  const worker = await db.query.workers.findFirst({ where: eq(workers.id, workerId) });
  if (worker === undefined || !worker.sharedPool || worker.ownerId === ownerId) return false;
  const owner = await db.query.users.findFirst({ columns: { isAdmin: true }, where: eq(users.id, worker.ownerId) });
  return owner?.isAdmin === true;
}

export async function commitResults(db: Db, store: BundleStore, uuid: string): Promise<AppliedTransition> {
  const found = await uploadedResults(db, uuid);
  const completed = found?.completed;
  if (found !== null && completed === undefined) {
    // Parts of an upload that never completed: nothing of it can become the bundle's contents.
    await dropResultUpload(db, store, found.upload);
  }
  const holder = await db.query.workerRuns.findFirst({ where: eq(workerRuns.bundleUuid, uuid) });
  const row = await db.query.bundles.findFirst({ columns: { ownerId: true }, where: eq(bundles.uuid, uuid) });
  const chargeTime = row !== undefined && (await chargedWorker(db, holder?.workerId ?? null, row.ownerId));
  return applyTransition(
    db,
    uuid,
    { type: "finalized", at: Math.floor(Date.now() / 1000) },
    {
      overlay: (before) => {
        if (completed !== undefined) return { data_size: completed.data_size };
        return before.row.failureMessage ? {} : { failure_message: NO_RESULTS_MESSAGE };
      },
      extra: (before, _result, guard) => {
        const statements: ExtraStatement[] = [];
        const owner = before.row.ownerId;
        if (completed !== undefined) {
          statements.push(
            { sql: `update bundles set is_dir = 1 where uuid = ? and ${guard.sql}`, params: [uuid, ...guard.params] },
            {
              sql: `update users set disk_used = disk_used + ? where id = ? and ${guard.sql}`,
              params: [completed.data_size, owner, ...guard.params],
            },
            {
              sql: `delete from bundle_uploads where bundle_uuid = ? and ${guard.sql}`,
              params: [uuid, ...guard.params],
            },
          );
        }
        const time = before.row.time ?? 0;
        if (chargeTime && time > 0) {
          statements.push({
            sql: `update users set time_used = time_used + ? where id = ? and ${guard.sql}`,
            params: [Math.ceil(time), owner, ...guard.params],
          });
        }
        return statements;
      },
    },
  );
}
