/**
 * The mechanics of a resumable upload, shared by dataset uploads (bundles/bundle-upload.ts) and
 * run results uploaded by a worker (runs/result-upload.ts), which add their own rules (states,
 * quotas, who may upload, what completion means). An upload is one `bundle_uploads` row (the
 * declared manifest and the parts received) plus an R2 multipart upload, or, for one part, a
 * direct write to the contents key.
 */
import {
  type BundleIndex,
  CodalabError,
  expectedPartSize,
  planUploadParts,
  UPLOAD_KINDS,
  type UploadStatus,
} from "@codalab/core";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { bundleUploads } from "../db/schema.ts";
import { type BundleStore, contentsKey, exactLength, type StoredPart } from "./bundle-store.ts";

/** The upload id of a one-part upload, written straight to its key with no R2 multipart upload. */
export const DIRECT_UPLOAD = "";

/** What the client declared when it started (stored in `bundle_uploads.manifest`). */
const ManifestSchema = z.object({
  kind: z.enum(UPLOAD_KINDS),
  size: z.number().int().min(0),
  part_size: z.number().int().min(0),
  part_count: z.number().int().min(1),
  /** Run results: set once the upload was assembled and verified (the commit comes later). */
  completed: z.object({ data_size: z.number().int().min(0) }).optional(),
  /**
   * Set when the server itself downloads the contents from this URL (bundles/url-upload.ts): size
   * and parts are unknown until it ends, and clients may not send parts.
   */
  source_url: z.string().optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type UploadRow = typeof bundleUploads.$inferSelect;

type Plan = Pick<UploadStatus, "size" | "part_size" | "part_count">;

export function manifestOf(upload: UploadRow): Manifest {
  const parsed = ManifestSchema.safeParse(upload.manifest);
  if (!parsed.success) throw new CodalabError("INTERNAL", `the upload record of ${upload.bundleUuid} is unreadable`);
  return parsed.data;
}

/** A results upload's verified data size, once completed (undefined before, or if unreadable). */
export function completedOf(upload: UploadRow): Manifest["completed"] {
  const parsed = ManifestSchema.safeParse(upload.manifest);
  return parsed.success ? parsed.data.completed : undefined;
}

export function statusOf(upload: UploadRow): UploadStatus {
  const { kind, size, part_size, part_count, source_url } = manifestOf(upload);
  if (source_url !== undefined) return { kind, size: 0, part_size: 0, part_count: 0, received: [], source_url };
  const received = [...new Set(upload.parts.map((part) => part.partNumber))].sort((a, b) => a - b);
  return { kind, size, part_size, part_count, received };
}

export async function findUpload(db: Db, uuid: string): Promise<UploadRow | undefined> {
  return db.query.bundleUploads.findFirst({ where: eq(bundleUploads.bundleUuid, uuid) });
}

export async function requireUpload(db: Db, uuid: string): Promise<UploadRow> {
  const upload = await findUpload(db, uuid);
  if (upload === undefined) {
    throw new CodalabError(
      "INVALID_STATE",
      `no upload in progress for bundle ${uuid}: start one with POST /rest/bundles/${uuid}/upload`,
    );
  }
  return upload;
}

/** Drops the unfinished R2 multipart upload behind an upload record, if it has one. */
export async function abortStoredUpload(store: BundleStore, upload: UploadRow): Promise<void> {
  if (upload.r2UploadId !== DIRECT_UPLOAD) await store.abortMultipart(upload.r2Key, upload.r2UploadId);
}

/** Forgets an upload record and the unfinished multipart upload behind it. */
export async function dropUpload(db: Db, store: BundleStore, upload: UploadRow): Promise<void> {
  await abortStoredUpload(store, upload);
  await db.delete(bundleUploads).where(eq(bundleUploads.bundleUuid, upload.bundleUuid));
}

/** The plan for an upload of `size` bytes in parts of about `partSize` (the server may enlarge them). */
export function planManifest(kind: Manifest["kind"], size: number, partSize: number | undefined): Manifest {
  return { kind, size, ...planUploadParts(size, partSize) };
}

/**
 * Records a new upload. When another request started one for the same bundle at the same moment,
 * theirs is kept and its status answered.
 */
export async function createUpload(
  db: Db,
  store: BundleStore,
  uuid: string,
  manifest: Manifest,
): Promise<UploadStatus> {
  const key = contentsKey(uuid, manifest.kind);
  const uploadId = manifest.part_count === 1 ? DIRECT_UPLOAD : await store.startMultipart(key);
  const inserted = await db
    .insert(bundleUploads)
    .values({ bundleUuid: uuid, r2Key: key, r2UploadId: uploadId, manifest, parts: [] })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    if (uploadId !== DIRECT_UPLOAD) await store.abortMultipart(key, uploadId);
    return statusOf(await requireUpload(db, uuid));
  }
  const { kind, size, part_size, part_count } = manifest;
  return { kind, size, part_size, part_count, received: [] };
}

/** Refuses to complete while parts are missing (the client sends them and completes again). */
export function requireAllParts(upload: UploadRow, manifest: Manifest): void {
  const received = new Set(upload.parts.map((part) => part.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= manifest.part_count; n += 1) if (!received.has(n)) missing.push(n);
  if (missing.length === 0) return;
  const shown = missing.length > 20 ? `${missing.slice(0, 20).join(", ")}, …` : missing.join(", ");
  throw new CodalabError(
    "INVALID_STATE",
    `${missing.length} of ${manifest.part_count} parts have not arrived (${shown}): send them, then complete again`,
    { missing: missing.slice(0, 1000) },
  );
}

/**
 * Assembles the stored object and checks it has the declared size. A repeated complete finds the
 * object already assembled.
 */
export async function assembleUpload(store: BundleStore, upload: UploadRow, manifest: Manifest): Promise<number> {
  let size: number | null;
  if (upload.r2UploadId !== DIRECT_UPLOAD) {
    const parts: StoredPart[] = upload.parts
      .map((part) => ({ partNumber: part.partNumber, etag: part.etag }))
      .sort((a, b) => a.partNumber - b.partNumber);
    try {
      size = await store.completeMultipart(upload.r2Key, upload.r2UploadId, parts);
    } catch (error) {
      size = await store.size(upload.r2Key);
      if (size !== manifest.size) throw error;
    }
  } else {
    size = await store.size(upload.r2Key);
    if (size === null) throw new CodalabError("INVALID_ARCHIVE", "the uploaded part is missing from storage");
  }
  if (size !== manifest.size) {
    throw new CodalabError(
      "INVALID_ARCHIVE",
      `the upload has ${size} bytes but ${manifest.size} were declared when it started`,
    );
  }
  return size;
}

/** What the index schema cannot know: the tar's real size. Entries must lie inside it. */
export function checkIndexAgainstTar(index: BundleIndex, tarSize: number): void {
  if (index.tar_size !== tarSize) {
    throw new CodalabError(
      "INVALID_ARCHIVE",
      `the index says the tar has ${index.tar_size} bytes but ${tarSize} arrived`,
    );
  }
  for (const entry of index.entries) {
    if (entry.header_offset >= tarSize || entry.offset + entry.size > tarSize) {
      throw new CodalabError("INVALID_ARCHIVE", `index entry ${JSON.stringify(entry.path)} lies outside the tar`);
    }
  }
}

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
