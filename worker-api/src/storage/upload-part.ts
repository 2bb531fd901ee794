/**
 * Receiving one part of a resumable upload, shared by dataset uploads (bundles/bundle-upload.ts)
 * and run results uploaded by a worker (runs/result-upload.ts): the part must be exactly its
 * planned length, is proxied into R2 (or, for a one-part upload, written straight to its key) and
 * recorded in `bundle_uploads` with one statement, so parts arriving in parallel never overwrite
 * each other's record.
 */
import { CodalabError, expectedPartSize, type UploadStatus } from "@codalab/core";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { bundleUploads } from "../db/schema.ts";
import { type BundleStore, exactLength } from "./bundle-store.ts";

/** The upload id of a one-part upload, written straight to its key with no R2 multipart upload. */
export const DIRECT_UPLOAD = "";

type Plan = Pick<UploadStatus, "size" | "part_size" | "part_count">;

/** Stores and records part `partNumber`; `recorded` is false when the upload ended meanwhile. */
export async function storeUploadPart(
  db: Db,
  store: BundleStore,
  upload: typeof bundleUploads.$inferSelect,
  plan: Plan,
  partNumber: number,
  contentLength: number,
  body: ReadableStream<Uint8Array> | null,
): Promise<{ recorded: boolean; size: number }> {
  if (partNumber > plan.part_count) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `part ${partNumber} does not exist: this upload has parts 1 to ${plan.part_count}`,
    );
  }
  const expected = expectedPartSize(plan, partNumber);
  if (contentLength !== expected) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `part ${partNumber} must be exactly ${expected} bytes (Content-Length says ${contentLength})`,
    );
  }
  let stored: { etag: string };
  try {
    const stream = exactLength(body, expected);
    stored =
      upload.r2UploadId === DIRECT_UPLOAD
        ? await store.put(upload.r2Key, stream)
        : await store.uploadPart(upload.r2Key, upload.r2UploadId, partNumber, stream);
  } catch (error) {
    if (error instanceof CodalabError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CodalabError(
      "BAD_REQUEST",
      `part ${partNumber} was not stored: its body did not arrive whole (${reason}); send it again`,
    );
  }
  const part = { partNumber, etag: stored.etag, size: expected };
  const recorded = await db.all<{ bundle_uuid: string }>(sql`
    update bundle_uploads set parts = (
      select json_group_array(json(value)) from (
        select value from json_each(bundle_uploads.parts) where json_extract(value, '$.partNumber') != ${partNumber}
        union all select ${JSON.stringify(part)}
      )
    )
    where bundle_uuid = ${upload.bundleUuid}
    returning bundle_uuid`);
  return { recorded: recorded.length > 0, size: expected };
}
