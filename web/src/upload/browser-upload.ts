/**
 * One bundle uploaded from the browser with the protocol `cl upload` uses
 * (docs/design/bundles-api.md, "Uploads"): create the dataset on the worksheet, start the upload,
 * send the missing parts (several at once, retried on network trouble, by cli's part uploader),
 * complete with the index. The bundle of an interrupted upload is remembered (localStorage): the
 * same file or folder uploaded again to the same worksheet continues with the missing parts. An
 * archive to unpack is unpacked in the page first (./unpack-archive.ts, loaded only then), so a
 * bad archive is refused before any bundle exists.
 */

import { partLength, uploadParts } from "@codalab/cli/upload/part-uploader";
import type { UploadStatus } from "@codalab/core/api/bundles";
import { CodalabError, type ErrorCode } from "@codalab/core/errors";
import { ApiError } from "../api/api-error.ts";
import { type Bundle, parseBundleEnvelope, parseUploadStatus } from "../api/bundle.ts";
import type { RequestOptions } from "../api/http-client.ts";
import { countBytes, packFolder } from "./pack-folder.ts";
import { archiveOf, itemSize, type UploadItem } from "./upload-items.ts";

export type UploadDeps = {
  /** The JSON API (the app's http client). */
  request(path: string, options?: RequestOptions): Promise<unknown>;
  /** PUTs one part's bytes, reporting bytes sent so far; rejects with CodalabError or ApiError. */
  putPart(path: string, bytes: Uint8Array, onSent: (bytes: number) => void): Promise<void>;
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  digest(text: string): Promise<string>;
  /** Waits between retries of a part; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
};

/** In "unpacking", `sent` counts the archive's bytes read so far, of `total` (its size). */
export type UploadProgress = {
  phase: "preparing" | "unpacking" | "uploading" | "finishing";
  sent: number;
  total: number;
};

export type UploadOptions = {
  name: string;
  worksheetUuid: string;
  onProgress(progress: UploadProgress): void;
  /** Parts in flight at once; the CLI's default. */
  parallel?: number;
  /** Unpack an archive file (tar, tar.gz/tgz, zip; gz to the file it holds), as `cl upload` without `--pack`. */
  unpack?: boolean;
};

/** The bytes to send, their exact size up front, and the same bytes again on every `open()`. */
export type UploadSource = {
  kind: "file" | "directory";
  size: number;
  index: unknown;
  open(): ReadableStream<Uint8Array>;
  readRange?: (offset: number, length: number) => Promise<Uint8Array>;
  fingerprint: unknown;
};

/** Network trouble and overloaded servers: worth continuing later. */
const RESUMABLE: readonly ErrorCode[] = ["UNAVAILABLE", "GATEWAY_TIMEOUT", "INTERNAL"];

function codeOf(error: unknown): ErrorCode | undefined {
  return error instanceof ApiError || error instanceof CodalabError ? error.code : undefined;
}

export function isResumable(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RESUMABLE.includes(code);
}

async function sourceOf(item: UploadItem, options: UploadOptions): Promise<UploadSource> {
  const archive = options.unpack ? archiveOf(item) : null;
  if (item.kind === "file" && archive?.unpackable) {
    const { unpackedSource } = await import("./unpack-archive.ts");
    return unpackedSource(item.file, archive.format, (read) =>
      options.onProgress({ phase: "unpacking", sent: read, total: item.file.size }),
    );
  }
  if (item.kind === "file") {
    const { file } = item;
    return {
      kind: "file",
      size: file.size,
      index: null,
      open: () => file.stream(),
      readRange: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
      fingerprint: [file.name, file.size, file.lastModified],
    };
  }
  const dry = packFolder(item.entries, { withData: false });
  const [size, index] = await Promise.all([countBytes(dry.readable), dry.index]);
  return {
    kind: "directory",
    size,
    index,
    open: () => packFolder(item.entries, { withData: true }).readable,
    fingerprint: item.entries.map((entry) =>
      entry.type === "file" ? [entry.path, entry.file.size, entry.file.lastModified] : [entry.path],
    ),
  };
}

const RESUME_PREFIX = "codalab.upload.";

export async function uploadItem(item: UploadItem, options: UploadOptions, deps: UploadDeps): Promise<Bundle> {
  options.onProgress({ phase: "preparing", sent: 0, total: itemSize(item) });
  const source = await sourceOf(item, options);
  const key = `${RESUME_PREFIX}${await deps.digest(JSON.stringify([options.worksheetUuid, options.name, source.kind, source.size, source.fingerprint]))}`;

  let uuid: string | undefined = deps.storage.getItem(key) ?? undefined;
  let status: UploadStatus | undefined;
  if (uuid !== undefined) {
    const resumed = await resumeStatus(uuid, deps);
    if (resumed.kind === "done") {
      deps.storage.removeItem(key);
      return resumed.bundle;
    }
    if (resumed.kind === "status") status = resumed.status;
    else uuid = undefined;
  }
  if (uuid === undefined || status === undefined) {
    const created = parseBundleEnvelope(
      await deps.request("/rest/bundles", {
        method: "POST",
        body: { bundle_type: "dataset", metadata: { name: options.name }, worksheet_uuid: options.worksheetUuid },
      }),
    );
    uuid = created.uuid;
    deps.storage.setItem(key, uuid);
  }
  const bundleUuid = uuid;
  try {
    status ??= parseUploadStatus(
      await deps.request(`/rest/bundles/${bundleUuid}/upload`, {
        method: "POST",
        body: { kind: source.kind, size: source.size },
      }),
    );
    const plan = status;
    const received = new Set(plan.received);
    const missing: number[] = [];
    let done = 0;
    for (let part = 1; part <= plan.part_count; part += 1) {
      if (received.has(part)) done += partLength({ size: source.size, partSize: plan.part_size }, part);
      else missing.push(part);
    }
    const inFlight = new Map<number, number>();
    const report = () => {
      let sent = done;
      for (const bytes of inFlight.values()) sent += bytes;
      options.onProgress({ phase: "uploading", sent, total: source.size });
    };
    report();
    await uploadParts(
      source,
      { size: source.size, partSize: plan.part_size, partCount: plan.part_count, missing },
      {
        parallel: options.parallel ?? 4,
        sleep: deps.sleep,
        send: (part, bytes) =>
          deps.putPart(`/rest/bundles/${bundleUuid}/upload/parts/${part}`, bytes, (sent) => {
            inFlight.set(part, sent);
            report();
          }),
        onPartDone(part, bytes) {
          inFlight.delete(part);
          done += bytes;
          report();
        },
      },
    );
    options.onProgress({ phase: "finishing", sent: source.size, total: source.size });
    const bundle = parseBundleEnvelope(
      await deps.request(`/rest/bundles/${bundleUuid}/upload/complete`, {
        method: "POST",
        body: source.index === null ? {} : { index: source.index },
      }),
    );
    deps.storage.removeItem(key);
    return bundle;
  } catch (error) {
    // Refusals will not change on a retry: the unfinished bundle is dropped (marked failed).
    if (!isResumable(error)) {
      deps.storage.removeItem(key);
      await deps.request(`/rest/bundles/${bundleUuid}/upload`, { method: "DELETE" }).catch(() => undefined);
    }
    throw error;
  }
}

type Resumed = { kind: "status"; status: UploadStatus } | { kind: "done"; bundle: Bundle } | { kind: "fresh" };

async function resumeStatus(uuid: string, deps: UploadDeps): Promise<Resumed> {
  try {
    return { kind: "status", status: parseUploadStatus(await deps.request(`/rest/bundles/${uuid}/upload`)) };
  } catch (error) {
    if (isResumable(error)) throw error;
  }
  // No upload in progress: it may have completed just before the page went away.
  try {
    const bundle = parseBundleEnvelope(await deps.request(`/rest/bundles/${uuid}`));
    return bundle.state === "ready" ? { kind: "done", bundle } : { kind: "fresh" };
  } catch (error) {
    if (isResumable(error)) throw error;
    return { kind: "fresh" };
  }
}
