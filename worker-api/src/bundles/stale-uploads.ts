/**
 * CodaLab's bundle manager fails bundles stuck in `uploading` for more than 60 days, measured from
 * `created` (spec §3.1 and §3.3), with CodaLab's message: a client that went away, or a download
 * the runtime stopped, would otherwise keep the bundle uploading, and its parts in R2, forever.
 * The nightly `scheduled` handler (worker-api/src/index.ts) runs this pass; `failUpload` marks
 * each bundle failed, aborts its R2 multipart upload and deletes whatever was written. Nothing was charged to the disk quota yet
 * (uploads are charged when they complete), so nothing is given back.
 */
import { and, asc, eq, gt, lt } from "drizzle-orm";
import { createDb, type Db } from "../db/client.ts";
import { bundles } from "../db/schema.ts";
import { type BundleStore, r2BundleStore } from "../storage/bundle-store.ts";
import { failUpload } from "./bundle-upload.ts";

export const STALE_UPLOAD_DAYS = 60;
export const STALE_UPLOAD_MESSAGE = `Bundle has been stuck in uploading state for more than ${STALE_UPLOAD_DAYS} days. The partial upload was deleted.`;
/** Bundles looked at per query, and at most per night (the rest wait for the next night). */
const PAGE = 100;
const MAX_PER_RUN = 2000;

/** Fails every bundle uploading since before `now` minus 60 days; returns their uuids. */
export async function failStaleUploads(db: Db, store: BundleStore, now: Date): Promise<string[]> {
  const cutoff = Math.floor(now.getTime() / 1000) - STALE_UPLOAD_DAYS * 86_400;
  const failed: string[] = [];
  let afterId = 0;
  while (failed.length < MAX_PER_RUN) {
    const page = await db
      .select({ id: bundles.id, uuid: bundles.uuid })
      .from(bundles)
      .where(and(eq(bundles.state, "uploading"), lt(bundles.created, cutoff), gt(bundles.id, afterId)))
      .orderBy(asc(bundles.id))
      .limit(PAGE);
    if (page.length === 0) break;
    for (const { id, uuid } of page) {
      afterId = id;
      // A bundle that finished (or was abandoned) meanwhile is left alone.
      if (await failUpload(db, store, uuid, STALE_UPLOAD_MESSAGE)) failed.push(uuid);
    }
  }
  return failed;
}

/** The `scheduled` handler's part: the pass, summed up in one log line when it did something. */
export async function scheduledStaleUploads(env: Env, scheduledTime: number): Promise<void> {
  const failed = await failStaleUploads(createDb(env.DB), r2BundleStore(env.BUNDLES), new Date(scheduledTime));
  if (failed.length === 0) return;
  const shown = `${failed.slice(0, 20).join(", ")}${failed.length > 20 ? ", …" : ""}`;
  console.log(
    `stale uploads: failed ${failed.length} bundle(s) uploading for more than ${STALE_UPLOAD_DAYS} days (${shown})`,
  );
}
