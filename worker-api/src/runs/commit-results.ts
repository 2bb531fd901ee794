/**
 * Committing a finished run (state machine effect `commit_results`): the runner uploaded the run's
 * directory and reported `run_finished`; the bundle is `finalizing`. One guarded batch applies
 * `finalized` (→ ready, failed or killed) together with what the results change: `is_dir` and
 * `data_size`, the owner's disk quota and the end of the upload record. First finalisation wins:
 * a repeated commit finds a final bundle and changes nothing. Results that do not fit in what is
 * left of the owner's disk quota are not kept (CodaLab refuses them at upload): the run fails
 * saying so, after any message it already has. A run whose results never arrived fails with a
 * message saying so, unless it already has one (a kill, an exit code). Run time is charged as the
 * runner reports it (run-reports.ts), not here.
 */
import { formatSize } from "@codalab/core";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bundles, users } from "../db/schema.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import type { BundleNews } from "../watch/bundle-news.ts";
import { type AppliedTransition, applyTransition, type ExtraStatement } from "./apply-transition.ts";
import { dropResultUpload, uploadedResults } from "./result-upload.ts";

export const NO_RESULTS_MESSAGE = "The worker did not upload the run's results.";

/** CodaLab's refusal of results over the disk quota. */
export function diskQuotaMessage(dataSize: number, left: number): string {
  return `Can't save bundle, bundle size ${formatSize(dataSize)} greater than user's disk quota left: ${formatSize(Math.max(0, left))}`;
}

function withMessage(existing: string | null, message: string): string {
  return existing ? `${existing}. ${message}` : message;
}

export async function commitResults(
  db: Db,
  store: BundleStore,
  news: BundleNews,
  uuid: string,
): Promise<AppliedTransition> {
  const found = await uploadedResults(db, uuid);
  let completed = found?.completed;
  if (found !== null && completed === undefined) {
    // Parts of an upload that never completed: nothing of it can become the bundle's contents.
    await dropResultUpload(db, store, found.upload);
  }
  // Read before the batch, as CodaLab checks at upload: two commits of one owner at the same
  // moment may both fit alone and together overshoot the quota by the smaller one.
  const refused = completed === undefined ? null : await overQuota(db, uuid, completed.data_size);
  if (refused !== null && found !== null) {
    await dropResultUpload(db, store, found.upload);
    completed = undefined;
  }
  const results = completed;
  return applyTransition(
    db,
    news,
    uuid,
    { type: "finalized", at: Math.floor(Date.now() / 1000) },
    {
      overlay: (before) => {
        if (results !== undefined) return { data_size: results.data_size };
        if (refused !== null) return { failure_message: withMessage(before.row.failureMessage, refused) };
        return before.row.failureMessage ? {} : { failure_message: NO_RESULTS_MESSAGE };
      },
      extra: (before, _result, guard) => {
        if (results === undefined) return [];
        const statements: ExtraStatement[] = [
          { sql: `update bundles set is_dir = 1 where uuid = ? and ${guard.sql}`, params: [uuid, ...guard.params] },
          {
            sql: `update users set disk_used = disk_used + ? where id = ? and ${guard.sql}`,
            params: [results.data_size, before.row.ownerId, ...guard.params],
          },
          {
            sql: `delete from bundle_uploads where bundle_uuid = ? and ${guard.sql}`,
            params: [uuid, ...guard.params],
          },
        ];
        return statements;
      },
    },
  );
}

/** CodaLab's refusal when the results do not fit in what is left of the owner's disk quota, else null. */
async function overQuota(db: Db, uuid: string, dataSize: number): Promise<string | null> {
  const row = await db.query.bundles.findFirst({ columns: { ownerId: true }, where: eq(bundles.uuid, uuid) });
  if (row === undefined) return null;
  const owner = await db.query.users.findFirst({
    columns: { diskUsed: true, diskQuota: true },
    where: eq(users.id, row.ownerId),
  });
  if (owner === undefined || owner.diskUsed + dataSize <= owner.diskQuota) return null;
  return diskQuotaMessage(dataSize, owner.diskQuota - owner.diskUsed);
}
