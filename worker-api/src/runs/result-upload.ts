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
  planUploadParts,
  type StartUploadRequest,
  type UploadStatus,
} from "@codalab/core";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import type { Db } from "../db/client.ts";
import { bundleUploads, workerRuns, workers } from "../db/schema.ts";
import type { UserCaller } from "../http/caller.ts";
import { type BundleStore, contentsKey, type StoredPart } from "../storage/bundle-store.ts";
import { DIRECT_UPLOAD, storeUploadPart } from "../storage/upload-part.ts";

const UPLOADABLE_STATES: readonly string[] = ["starting", "preparing", "running", "worker_offline"];

const ManifestSchema = z.object({
  kind: z.literal("directory"),
  size: z.number().int().min(0),
  part_size: z.number().int().min(0),
  part_count: z.number().int().min(1),
  /** Set once the upload was assembled and verified. */
  completed: z.object({ data_size: z.number().int().min(0) }).optional(),
});
type Manifest = z.infer<typeof ManifestSchema>;
export type ResultUploadRow = typeof bundleUploads.$inferSelect;

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

function manifestOf(upload: ResultUploadRow): Manifest {
  const parsed = ManifestSchema.safeParse(upload.manifest);
  if (!parsed.success) throw new CodalabError("INTERNAL", `the results upload of ${upload.bundleUuid} is unreadable`);
  return parsed.data;
}

function statusOf(upload: ResultUploadRow): UploadStatus {
  const { kind, size, part_size, part_count } = manifestOf(upload);
  const received = [...new Set(upload.parts.map((part) => part.partNumber))].sort((a, b) => a - b);
  return { kind, size, part_size, part_count, received };
}

export async function findResultUpload(db: Db, uuid: string): Promise<ResultUploadRow | undefined> {
  return db.query.bundleUploads.findFirst({ where: eq(bundleUploads.bundleUuid, uuid) });
}

async function requireUpload(db: Db, uuid: string): Promise<ResultUploadRow> {
  const upload = await findResultUpload(db, uuid);
  if (upload === undefined) {
    throw new CodalabError(
      "INVALID_STATE",
      `no results upload in progress for bundle ${uuid}: start one with POST /rest/bundles/${uuid}/upload`,
    );
  }
  return upload;
}

/** Drops an upload and whatever it wrote. */
export async function dropResultUpload(db: Db, store: BundleStore, upload: ResultUploadRow): Promise<void> {
  if (upload.r2UploadId !== DIRECT_UPLOAD) await store.abortMultipart(upload.r2Key, upload.r2UploadId);
  await db.delete(bundleUploads).where(eq(bundleUploads.bundleUuid, upload.bundleUuid));
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
  const plan = planUploadParts(request.size, request.part_size);
  const manifest: Manifest = { kind: "directory", size: request.size, ...plan };
  const existing = await findResultUpload(db, row.uuid);
  if (existing !== undefined) {
    const current = manifestOf(existing);
    if (current.completed === undefined && current.size === manifest.size && current.part_size === manifest.part_size) {
      return statusOf(existing);
    }
    // A different (or repeated complete) upload replaces the previous one.
    await dropResultUpload(db, store, existing);
  }
  const key = contentsKey(row.uuid, "directory");
  const uploadId = manifest.part_count === 1 ? DIRECT_UPLOAD : await store.startMultipart(key);
  const inserted = await db
    .insert(bundleUploads)
    .values({ bundleUuid: row.uuid, r2Key: key, r2UploadId: uploadId, manifest, parts: [] })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    if (uploadId !== DIRECT_UPLOAD) await store.abortMultipart(key, uploadId);
    return statusOf(await requireUpload(db, row.uuid));
  }
  return {
    kind: manifest.kind,
    size: manifest.size,
    part_size: manifest.part_size,
    part_count: manifest.part_count,
    received: [],
  };
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
  const received = new Set(upload.parts.map((part) => part.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= manifest.part_count; n += 1) if (!received.has(n)) missing.push(n);
  if (missing.length > 0) {
    throw new CodalabError(
      "INVALID_STATE",
      `${missing.length} of ${manifest.part_count} parts have not arrived (${missing.slice(0, 20).join(", ")}): send them, then complete again`,
      { missing: missing.slice(0, 1000) },
    );
  }
  if (index === undefined) {
    throw new CodalabError("VALIDATION_FAILED", "index is required: a run's results are a tar plus its index");
  }
  let dataSize: number;
  try {
    const size = await assemble(store, upload);
    if (size !== manifest.size) {
      throw new CodalabError("INVALID_ARCHIVE", `the upload has ${size} bytes but ${manifest.size} were declared`);
    }
    if (index.tar_size !== size) {
      throw new CodalabError(
        "INVALID_ARCHIVE",
        `the index says the tar has ${index.tar_size} bytes but ${size} arrived`,
      );
    }
    for (const entry of index.entries) {
      if (entry.header_offset >= size || entry.offset + entry.size > size) {
        throw new CodalabError("INVALID_ARCHIVE", `index entry ${JSON.stringify(entry.path)} lies outside the tar`);
      }
    }
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
    .where(and(eq(bundleUploads.bundleUuid, row.uuid)));
  return completed;
}

async function assemble(store: BundleStore, upload: ResultUploadRow): Promise<number> {
  if (upload.r2UploadId !== DIRECT_UPLOAD) {
    const parts: StoredPart[] = upload.parts
      .map((part) => ({ partNumber: part.partNumber, etag: part.etag }))
      .sort((a, b) => a.partNumber - b.partNumber);
    return store.completeMultipart(upload.r2Key, upload.r2UploadId, parts);
  }
  const size = await store.size(upload.r2Key);
  if (size === null) throw new CodalabError("INVALID_ARCHIVE", "the uploaded part is missing from storage");
  return size;
}

/** What the commit finds: verified results, an upload that never completed, or nothing. */
export async function uploadedResults(
  db: Db,
  uuid: string,
): Promise<{ upload: ResultUploadRow; completed: { data_size: number } | undefined } | null> {
  const upload = await findResultUpload(db, uuid);
  if (upload === undefined) return null;
  const parsed = ManifestSchema.safeParse(upload.manifest);
  return { upload, completed: parsed.success ? parsed.data.completed : undefined };
}
