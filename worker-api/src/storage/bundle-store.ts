/**
 * Bundle contents in R2 (design §3, docs/design/bundles-api.md "Storage"). Keys derive from the
 * bundle uuid:
 *
 * - `bundles/<uuid>/contents`: a file bundle's bytes;
 * - `bundles/<uuid>/contents.tar` + `bundles/<uuid>/index.json`: a directory bundle.
 *
 * Uploads of more than one part go through an R2 multipart upload (every part but the last the
 * same size, at least 5 MiB); a one-part upload is a plain put of any size. Callers decide when
 * writing is allowed: a bundle in a final state is never written again.
 */
import { type BundleIndex, CodalabError, parseBundleIndex, type UploadKind } from "@codalab/core";

export function contentsKey(uuid: string, kind: UploadKind): string {
  return kind === "file" ? `bundles/${uuid}/contents` : `bundles/${uuid}/contents.tar`;
}

export function indexKey(uuid: string): string {
  return `bundles/${uuid}/index.json`;
}

export type StoredPart = { partNumber: number; etag: string };

export interface BundleStore {
  /** Bytes of the object, or null when it does not exist. */
  size(key: string): Promise<number | null>;
  /** The object (or `length` bytes of it from `offset`) as a stream, or null when it does not exist. */
  read(key: string, range?: { offset: number; length: number }): Promise<ReadableStream<Uint8Array> | null>;
  /** Exactly `length` bytes from `offset`; a short object is an error. */
  readBytes(key: string, offset: number, length: number): Promise<Uint8Array>;
  /** Writes a whole object; a stream must have a known length (see `exactLength`). */
  put(key: string, body: ReadableStream<Uint8Array> | Uint8Array | string): Promise<{ etag: string; size: number }>;
  startMultipart(key: string): Promise<string>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>): Promise<StoredPart>;
  /** Assembles the parts (ascending) and returns the object's size. */
  completeMultipart(key: string, uploadId: string, parts: readonly StoredPart[]): Promise<number>;
  /** Drops an unfinished multipart upload; unknown or finished uploads are ignored. */
  abortMultipart(key: string, uploadId: string): Promise<void>;
  readIndex(uuid: string): Promise<BundleIndex | null>;
  writeIndex(uuid: string, index: BundleIndex): Promise<void>;
  /** Deletes every object of the bundle (missing ones are fine). */
  deleteContents(uuid: string): Promise<void>;
}

/** Wraps a body of declared length so R2 accepts it and a body of another length fails the write. */
export function exactLength(body: ReadableStream<Uint8Array> | null, length: number): ReadableStream<Uint8Array> {
  const fixed = new FixedLengthStream(length);
  if (body === null) {
    void fixed.writable.close();
  } else {
    // The write side's failure surfaces on the readable side, which R2 consumes.
    body.pipeTo(fixed.writable).catch(() => undefined);
  }
  return fixed.readable;
}

export function r2BundleStore(bucket: R2Bucket): BundleStore {
  return {
    async size(key) {
      const head = await bucket.head(key);
      return head === null ? null : head.size;
    },
    async read(key, range) {
      const object = await bucket.get(key, range === undefined ? undefined : { range });
      return object === null ? null : object.body;
    },
    async readBytes(key, offset, length) {
      if (length === 0) return new Uint8Array(0);
      const object = await bucket.get(key, { range: { offset, length } });
      if (object === null) throw new CodalabError("NOT_FOUND", "the bundle's contents are missing from storage");
      const bytes = new Uint8Array(await object.arrayBuffer());
      if (bytes.byteLength !== length) {
        throw new CodalabError(
          "INVALID_ARCHIVE",
          "the bundle's index does not match its contents: a range lies past the end",
        );
      }
      return bytes;
    },
    async put(key, body) {
      const object: R2Object | null = await bucket.put(key, body);
      if (object === null) throw new CodalabError("UNAVAILABLE", "storage refused the write; try again");
      return { etag: object.etag, size: object.size };
    },
    async startMultipart(key) {
      const upload = await bucket.createMultipartUpload(key);
      return upload.uploadId;
    },
    async uploadPart(key, uploadId, partNumber, body) {
      const part = await bucket.resumeMultipartUpload(key, uploadId).uploadPart(partNumber, body);
      return { partNumber: part.partNumber, etag: part.etag };
    },
    async completeMultipart(key, uploadId, parts) {
      const object = await bucket.resumeMultipartUpload(key, uploadId).complete([...parts]);
      return object.size;
    },
    async abortMultipart(key, uploadId) {
      await bucket
        .resumeMultipartUpload(key, uploadId)
        .abort()
        .catch(() => undefined);
    },
    async readIndex(uuid) {
      const object = await bucket.get(indexKey(uuid));
      if (object === null) return null;
      return parseBundleIndex(await object.json());
    },
    async writeIndex(uuid, index) {
      await bucket.put(indexKey(uuid), JSON.stringify(index), {
        httpMetadata: { contentType: "application/json" },
      });
    },
    async deleteContents(uuid) {
      await bucket.delete([contentsKey(uuid, "file"), contentsKey(uuid, "directory"), indexKey(uuid)]);
    },
  };
}
