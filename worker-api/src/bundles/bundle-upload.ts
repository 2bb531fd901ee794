/**
 * Resumable uploads of a bundle's contents (docs/design/bundles-api.md "Uploads"). The bundle
 * stays `uploading` while parts arrive, in any order and in parallel; each is proxied into R2 and
 * recorded in `bundle_uploads`. `complete` finishes the R2 object, verifies it (size, index) and,
 * in one D1 batch, charges the owner's disk quota and makes the bundle `ready`, so a bundle is
 * never `ready` with partial or unverified contents and never charged twice. A bundle that
 * reached a final state never receives contents again.
 */
import {
  type BundleIndex,
  CodalabError,
  FINAL_STATES,
  indexDataSize,
  type StartUploadRequest,
  type UploadStatus,
} from "@codalab/core";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bundles, users } from "../db/schema.ts";
import { runBatch } from "../db/statement-batch.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import { forgetBundleTree } from "../storage/index-cache.ts";
import {
  assembleUpload,
  checkIndexAgainstTar,
  createUpload,
  DIRECT_UPLOAD,
  dropUpload,
  findUpload,
  type Manifest,
  manifestOf,
  planManifest,
  requireAllParts,
  requireUpload,
  statusOf,
  storeUploadPart,
  type UploadRow,
} from "../storage/resumable-upload.ts";
import type { BundleRow } from "./bundle-fields.ts";
import { quotaExceeded, requireDiskLeft } from "./disk-quota.ts";

export function requireUploading(row: Pick<BundleRow, "uuid" | "state">): void {
  if (row.state === "uploading") return;
  const why = FINAL_STATES.includes(row.state)
    ? "a bundle in a final state can never be uploaded again"
    : "only bundles in state uploading receive contents";
  throw new CodalabError("INVALID_STATE", `bundle ${row.uuid} is ${row.state}: ${why}`, { state: row.state });
}

/** Clients may not send parts into (or complete, or replace) a download the server is making. */
export function requireClientUpload(upload: UploadRow): Manifest {
  const manifest = manifestOf(upload);
  if (manifest.source_url === undefined) return manifest;
  throw new CodalabError(
    "INVALID_STATE",
    `bundle ${upload.bundleUuid} is being downloaded from ${manifest.source_url} by the server: wait for it to ` +
      `finish, or abandon it with DELETE /rest/bundles/${upload.bundleUuid}/upload`,
    { source_url: manifest.source_url },
  );
}

export async function uploadStatus(db: Db, uuid: string): Promise<UploadStatus> {
  const upload = await findUpload(db, uuid);
  if (upload === undefined) {
    throw new CodalabError("NOT_FOUND", `no upload in progress for bundle ${uuid}`, { uuid });
  }
  return statusOf(upload);
}

/** Starts an upload, or returns the status of the same one already under way (to resume it). */
export async function startUpload(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  request: StartUploadRequest,
): Promise<UploadStatus> {
  requireUploading(row);
  const owner = await db.query.users.findFirst({
    columns: { diskUsed: true, diskQuota: true },
    where: eq(users.id, row.ownerId),
  });
  if (owner === undefined) throw new CodalabError("INTERNAL", `the owner of bundle ${row.uuid} is gone`);
  // A tar is larger than the data it holds, so only a file's size is known to count in full.
  requireDiskLeft(owner, request.kind === "file" ? request.size : 0);
  const manifest = planManifest(request.kind, request.size, request.part_size);
  const existing = await findUpload(db, row.uuid);
  if (existing !== undefined) {
    const current = requireClientUpload(existing);
    if (current.kind === manifest.kind && current.size === manifest.size && current.part_size === manifest.part_size) {
      return statusOf(existing);
    }
    // A different upload replaces the unfinished one: its parts are dropped.
    await dropUpload(db, store, existing);
    await store.deleteContents(row.uuid);
  }
  return createUpload(db, store, row.uuid, manifest);
}

/** Stores part `partNumber` (its body must be exactly the expected length) and records it. */
export async function receivePart(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  partNumber: number,
  contentLength: number,
  body: ReadableStream<Uint8Array> | null,
): Promise<{ part_number: number; size: number }> {
  requireUploading(row);
  const upload = await requireUpload(db, row.uuid);
  const { recorded, size } = await storeUploadPart(
    db,
    store,
    upload,
    requireClientUpload(upload),
    partNumber,
    contentLength,
    body,
  );
  if (!recorded) {
    const current = await db.query.bundles.findFirst({ columns: { state: true }, where: eq(bundles.uuid, row.uuid) });
    if (upload.r2UploadId === DIRECT_UPLOAD && current?.state !== "ready") await store.deleteContents(row.uuid);
    throw new CodalabError("INVALID_STATE", `the upload of bundle ${row.uuid} ended while part ${partNumber} arrived`);
  }
  return { part_number: partNumber, size };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Finishes the upload. Missing parts or a missing index leave the upload as it was (resume and
 * complete again); once the object is assembled, any verification failure fails the bundle and
 * deletes what was written.
 */
export async function completeUpload(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  index: BundleIndex | undefined,
): Promise<void> {
  requireUploading(row);
  const upload = await requireUpload(db, row.uuid);
  const manifest = requireClientUpload(upload);
  requireAllParts(upload, manifest);
  if (manifest.kind === "directory" && index === undefined) {
    throw new CodalabError("VALIDATION_FAILED", "index is required: a directory upload is a tar plus its index");
  }
  if (manifest.kind === "file" && index !== undefined) {
    throw new CodalabError("VALIDATION_FAILED", "a file upload has no index: send index only for directories");
  }

  let dataSize: number;
  try {
    const size = await assembleUpload(store, upload, manifest);
    dataSize = size;
    if (index !== undefined) {
      checkIndexAgainstTar(index, size);
      dataSize = indexDataSize(index);
      await store.writeIndex(row.uuid, index);
    }
  } catch (error) {
    const failure =
      error instanceof CodalabError
        ? error
        : new CodalabError("INVALID_ARCHIVE", `the upload could not be assembled: ${errorText(error)}`);
    await failUpload(db, store, row.uuid, failure.message);
    throw failure;
  }

  await makeReady(db, store, row, dataSize, manifest.kind === "directory");
}

/**
 * Makes an uploading bundle `ready` with its verified contents, charging the owner's disk quota in
 * the same D1 batch, so a bundle is never ready uncharged nor charged twice. Over quota, the
 * bundle fails (contents deleted) and QUOTA_EXCEEDED is thrown. When the upload ended meanwhile
 * (abandoned, or failed by the nightly clean-up), whatever was written is deleted and
 * INVALID_STATE thrown.
 */
export async function makeReady(
  db: Db,
  store: BundleStore,
  row: Pick<BundleRow, "uuid" | "ownerId">,
  dataSize: number,
  isDir: boolean,
): Promise<void> {
  await runBatch(db, [
    sql`update bundles set state = 'ready', data_size = ${dataSize}, is_dir = ${isDir ? 1 : 0}
      where uuid = ${row.uuid} and state = 'uploading'
        and exists (select 1 from bundle_uploads where bundle_uuid = ${row.uuid})
        and (select disk_used + ${dataSize} <= disk_quota from users where id = bundles.owner_id)`,
    // Charged only by the batch that made it ready: the upload row is deleted right after.
    sql`update users set disk_used = disk_used + ${dataSize}
      where id = (select owner_id from bundles where uuid = ${row.uuid} and state = 'ready')
        and exists (select 1 from bundle_uploads where bundle_uuid = ${row.uuid})`,
    sql`delete from bundle_uploads where bundle_uuid = ${row.uuid}
      and (select state from bundles where uuid = ${row.uuid}) = 'ready'`,
  ]);
  const after = await db.query.bundles.findFirst({
    columns: { state: true },
    where: eq(bundles.uuid, row.uuid),
  });
  if (after?.state === "ready") return;
  if (after?.state === "uploading") {
    const owner = await db.query.users.findFirst({
      columns: { diskUsed: true, diskQuota: true },
      where: eq(users.id, row.ownerId),
    });
    const error = quotaExceeded(owner?.diskUsed ?? 0, owner?.diskQuota ?? 0, dataSize);
    await failUpload(db, store, row.uuid, error.message);
    throw error;
  }
  // Whoever ended the upload deleted the contents, but this upload may have written after that,
  // or recorded itself after they looked.
  const upload = await findUpload(db, row.uuid);
  if (upload !== undefined) await dropUpload(db, store, upload);
  await store.deleteContents(row.uuid);
  forgetBundleTree(row.uuid);
  throw new CodalabError("INVALID_STATE", `bundle ${row.uuid} left state uploading while its upload completed`);
}

/**
 * Marks an uploading bundle failed and deletes everything its upload wrote. Does nothing (and
 * returns false) when the bundle already left `uploading`, so a late failure can never delete a
 * ready bundle's contents.
 */
export async function failUpload(db: Db, store: BundleStore, uuid: string, message: string): Promise<boolean> {
  const failed = await db
    .update(bundles)
    .set({ state: "failed", failureMessage: message, dataSize: null, isDir: null })
    .where(and(eq(bundles.uuid, uuid), eq(bundles.state, "uploading")))
    .returning({ uuid: bundles.uuid });
  if (failed.length === 0) return false;
  const upload = await findUpload(db, uuid);
  if (upload !== undefined) await dropUpload(db, store, upload);
  await store.deleteContents(uuid);
  forgetBundleTree(uuid);
  return true;
}
