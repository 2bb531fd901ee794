/**
 * A run's results, uploaded by the worker that runs it through the same resumable upload
 * endpoints as datasets (docs/design/bundles-api.md "Uploads"), while the bundle is still held:
 * `starting` to `running` (an acknowledgement may still be on its way), or `worker_offline` for a
 * runner that lost its socket but not its run.
 * Only the user who owns the worker holding the run (its `worker_runs` row, or `remote` while
 * offline) may upload. Completing the upload stores the tar and its index and marks the upload
 * complete; nothing else changes until the runner reports `run_finished` and the server commits
 * (commit-results.ts): the bundle becomes final, and its contents visible, exactly once.
 */
import {
  type BundleIndex,
  CodalabError,
  indexDataSize,
  type StartUploadRequest,
  type UploadStatus,
} from "@codalab/core";
import { eq } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import type { Db } from "../db/client.ts";
import { bundleUploads, workerRuns, workers } from "../db/schema.ts";
import type { UserCaller } from "../http/caller.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import {
  assembleUpload,
  checkIndexAgainstTar,
  completedOf,
  createUpload,
  dropUpload,
  findUpload,
  manifestOf,
  planManifest,
  requireAllParts,
  requireUpload,
  statusOf,
  storeUploadPart,
  type UploadRow,
} from "../storage/resumable-upload.ts";

const UPLOADABLE_STATES: readonly string[] = ["starting", "preparing", "running", "worker_offline"];

/** Whether this request is a worker uploading a run's results (the bundles routes handle the rest). */
export function isResultUpload(row: Pick<BundleRow, "bundleType" | "state">): boolean {
  return row.bundleType === "run" && row.state !== "uploading";
}

/** The caller must own the worker that holds the run. */
export async function requireResultUploader(db: Db, row: BundleRow, caller: UserCaller): Promise<void> {
  if (!UPLOADABLE_STATES.includes(row.state)) {
    throw new CodalabError(
      "INVALID_STATE",
      `bundle ${row.uuid} is ${row.state}: a run's results are uploaded by its worker while it runs`,
      { state: row.state },
    );
  }
  const holder = await db.query.workerRuns.findFirst({ where: eq(workerRuns.bundleUuid, row.uuid) });
  const workerId = holder?.workerId ?? (row.state === "worker_offline" ? row.remote : null);
  const worker = workerId === null ? undefined : await db.query.workers.findFirst({ where: eq(workers.id, workerId) });
  if (worker === undefined || worker.ownerId !== caller.user.id) {
    throw new CodalabError("FORBIDDEN", `only the worker running bundle ${row.uuid} may upload its results`, {
      uuid: row.uuid,
    });
  }
}

/** Drops an upload and whatever it wrote. */
export async function dropResultUpload(db: Db, store: BundleStore, upload: UploadRow): Promise<void> {
  await dropUpload(db, store, upload);
  await store.deleteContents(upload.bundleUuid);
}

export async function resultUploadStatus(db: Db, uuid: string): Promise<UploadStatus> {
  return statusOf(await requireUpload(db, uuid));
}

/** Starts the upload, or answers the status of the same one (to resume after a runner restart). */
export async function startResultUpload(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  request: StartUploadRequest,
): Promise<UploadStatus> {
  if (request.kind !== "directory") {
    throw new CodalabError("VALIDATION_FAILED", "a run's results are its directory: upload kind must be directory");
  }
  const manifest = planManifest("directory", request.size, request.part_size);
  const existing = await findUpload(db, row.uuid);
  if (existing !== undefined) {
    const current = manifestOf(existing);
    if (current.completed === undefined && current.size === manifest.size && current.part_size === manifest.part_size) {
      return statusOf(existing);
    }
    // A different (or repeated complete) upload replaces the previous one.
    await dropResultUpload(db, store, existing);
  }
  return createUpload(db, store, row.uuid, manifest);
}

export async function receiveResultPart(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  partNumber: number,
  contentLength: number,
  body: ReadableStream<Uint8Array> | null,
): Promise<{ part_number: number; size: number }> {
  const upload = await requireUpload(db, row.uuid);
  const manifest = manifestOf(upload);
  if (manifest.completed !== undefined) {
    throw new CodalabError("INVALID_STATE", `the results upload of ${row.uuid} is already complete`);
  }
  const { recorded, size } = await storeUploadPart(db, store, upload, manifest, partNumber, contentLength, body);
  if (!recorded) {
    throw new CodalabError("INVALID_STATE", `the results upload of ${row.uuid} ended while part ${partNumber} arrived`);
  }
  return { part_number: partNumber, size };
}

/**
 * Assembles and verifies the tar and stores its index. A verification failure drops the upload
 * (the runner reports the failure in `run_finished`); missing parts leave it to be resumed.
 */
export async function completeResultUpload(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  index: BundleIndex | undefined,
): Promise<{ data_size: number }> {
  const upload = await requireUpload(db, row.uuid);
  const manifest = manifestOf(upload);
  if (manifest.completed !== undefined) return manifest.completed;
  requireAllParts(upload, manifest);
  if (index === undefined) {
    throw new CodalabError("VALIDATION_FAILED", "index is required: a run's results are a tar plus its index");
  }
  let dataSize: number;
  try {
    checkIndexAgainstTar(index, await assembleUpload(store, upload, manifest));
    await store.writeIndex(row.uuid, index);
    dataSize = indexDataSize(index);
  } catch (error) {
    await dropResultUpload(db, store, upload);
    if (error instanceof CodalabError) throw error;
    throw new CodalabError("INVALID_ARCHIVE", `the results could not be assembled: ${String(error)}`);
  }
  const completed = { data_size: dataSize };
  await db
    .update(bundleUploads)
    .set({ manifest: { ...manifest, completed } })
    .where(eq(bundleUploads.bundleUuid, row.uuid));
  return completed;
}

/** What the commit finds: verified results, an upload that never completed, or nothing. */
export async function uploadedResults(
  db: Db,
  uuid: string,
): Promise<{ upload: UploadRow; completed: { data_size: number } | undefined } | null> {
  const upload = await findUpload(db, uuid);
  if (upload === undefined) return null;
  return { upload, completed: completedOf(upload) };
}
