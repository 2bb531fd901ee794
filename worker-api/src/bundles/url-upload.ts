/**
 * `cl upload <URL>` (spec §9.1, item 3; docs/design/bundles-api.md "Uploads from a URL"): the
 * Worker downloads the URL itself and streams it into R2, unpacking `.tar`, `.tar.gz`/`.tgz` into
 * our tar + index and `.gz` into the file it compresses (core `planUrlUpload` decides, from the
 * URL's file name). The request answers once the bundle is `ready`, or `failed` with a
 * `failure_message` naming the HTTP status, network error, archive problem or quota.
 *
 * While it runs, the bundle's `bundle_uploads` row records the download (`source_url` in its
 * manifest) and the R2 multipart upload behind it, so clients cannot send parts into it, an
 * abandon (`DELETE …/upload`) or the nightly clean-up of stale uploads frees the parts, and a
 * second download into the same bundle is refused. The bytes go into that multipart upload in
 * parts held in memory one at a time (`streamToStore`); the owner's disk quota left and the largest
 * download are enforced as the bytes arrive, and charged exactly once by `makeReady`.
 */
import {
  API_VERSION,
  CodalabError,
  formatSize,
  gunzipStream,
  indexDataSize,
  looksGzipped,
  MAX_UPLOAD_PARTS,
  normalizeArchive,
  parseUploadUrl,
  planUrlUpload,
  privateHostProblem,
  readTar,
  type TarEntry,
  type UrlUploadPlan,
  type UrlUploadRequest,
} from "@codalab/core";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bundles, bundleUploads, users } from "../db/schema.ts";
import { type BundleStore, contentsKey } from "../storage/bundle-store.ts";
import { checkIndexAgainstTar, dropUpload, findUpload, type Manifest } from "../storage/resumable-upload.ts";
import { STREAM_PART_BYTES, streamToStore } from "../storage/stream-to-store.ts";
import type { BundleRow } from "./bundle-fields.ts";
import { failUpload, makeReady, requireUploading } from "./bundle-upload.ts";
import { quotaExceeded, requireDiskLeft } from "./disk-quota.ts";

/** R2's part count times the part size (156.25 GiB): the most one download may store. */
const MAX_URL_UPLOAD_BYTES = MAX_UPLOAD_PARTS * STREAM_PART_BYTES;
const MAX_REDIRECTS = 10;
const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type UrlUploadOptions = {
  /** Instance setting URL_UPLOADS_ALLOW_PRIVATE_HOSTS (local instances and tests). */
  allowPrivateHosts: boolean;
  /** The Worker's fetch; injectable for tests. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The download fails when no byte arrives for this long (waiting for the answer included). */
  idleTimeoutMs?: number;
};

/**
 * Downloads `request.url` into the uploading bundle `row` and makes it ready. Refusals that come
 * before anything is downloaded (a URL or archive the server will not take, quota used up, an
 * upload already under way) leave the bundle as it was; any later failure fails the bundle with
 * the error's message, deletes what was written and is thrown.
 */
export async function uploadFromUrl(
  db: Db,
  store: BundleStore,
  row: BundleRow,
  request: UrlUploadRequest,
  options: UrlUploadOptions,
): Promise<void> {
  requireUploading(row);
  const url = parseUploadUrl(request.url);
  if (!options.allowPrivateHosts) {
    const problem = privateHostProblem(url);
    if (problem !== null) {
      throw new CodalabError(
        "BAD_REQUEST",
        `refusing to download ${url.href}: ${problem}; the instance downloads only from public hosts`,
      );
    }
  }
  const plan = planUrlUpload(url, { unpack: request.unpack });
  const owner = await db.query.users.findFirst({
    columns: { diskUsed: true, diskQuota: true },
    where: eq(users.id, row.ownerId),
  });
  if (owner === undefined) throw new CodalabError("INTERNAL", `the owner of bundle ${row.uuid} is gone`);
  requireDiskLeft(owner);

  const target = await startDownload(db, store, row.uuid, plan.kind, request.url);
  // CodaLab sets source_url to the URL of a URL upload; one the uploader gave is kept.
  await db
    .update(bundles)
    .set({ sourceUrl: request.url })
    .where(and(eq(bundles.uuid, row.uuid), isNull(bundles.sourceUrl)));

  let dataSize: number;
  try {
    dataSize = await download(store, target, url, plan, owner, options);
  } catch (error) {
    const failure = describeFailure(error, url);
    if (await failUpload(db, store, row.uuid, failure.message)) throw failure;
    // The bundle stopped uploading meanwhile (abandoned, or failed by the nightly clean-up), which
    // is what made storing fail; our row may outlive it when it started after that.
    await dropOwnUpload(db, store, row.uuid, target.uploadId);
    throw new CodalabError(
      "INVALID_STATE",
      `bundle ${row.uuid} stopped uploading while ${url.href} was downloading: the upload was abandoned meanwhile`,
    );
  }
  await makeReady(db, store, row, dataSize, plan.kind === "directory");
}

type Target = { uuid: string; key: string; uploadId: string };

/** Records the download as the bundle's upload; refuses when an upload is already under way. */
async function startDownload(
  db: Db,
  store: BundleStore,
  uuid: string,
  kind: UrlUploadPlan["kind"],
  sourceUrl: string,
): Promise<Target> {
  const busy = () =>
    new CodalabError(
      "INVALID_STATE",
      `bundle ${uuid} already has an upload in progress: abandon it first with DELETE /rest/bundles/${uuid}/upload`,
    );
  if ((await findUpload(db, uuid)) !== undefined) throw busy();
  const key = contentsKey(uuid, kind);
  const uploadId = await store.startMultipart(key);
  const manifest: Manifest = { kind, size: 0, part_size: STREAM_PART_BYTES, part_count: 1, source_url: sourceUrl };
  const inserted = await db
    .insert(bundleUploads)
    .values({ bundleUuid: uuid, r2Key: key, r2UploadId: uploadId, manifest, parts: [] })
    .onConflictDoNothing()
    .returning({ uuid: bundleUploads.bundleUuid });
  if (inserted.length === 0) {
    await store.abortMultipart(key, uploadId);
    throw busy();
  }
  return { uuid, key, uploadId };
}

async function dropOwnUpload(db: Db, store: BundleStore, uuid: string, uploadId: string): Promise<void> {
  const upload = await findUpload(db, uuid);
  if (upload?.r2UploadId === uploadId) await dropUpload(db, store, upload);
}

type Owner = { diskUsed: number; diskQuota: number };

/** Streams the URL into R2 as planned; returns the bundle's data size. */
async function download(
  store: BundleStore,
  target: Target,
  url: URL,
  plan: UrlUploadPlan,
  owner: Owner,
  options: UrlUploadOptions,
): Promise<number> {
  const left = owner.diskQuota - owner.diskUsed;
  const watchdog = new Watchdog(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, url);
  try {
    const response = await fetchFollowingRedirects(url, options, watchdog);
    const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
    const declared = encoded ? null : declaredLength(response.headers.get("content-length"));
    if (plan.format === null && declared !== null) {
      // Refused before a byte is stored when the answer says how large it is.
      if (declared > MAX_URL_UPLOAD_BYTES) throw tooLarge(url, declared);
      if (declared > left) throw quotaExceeded(owner.diskUsed, owner.diskQuota, declared);
    }
    const received = networkBytes(response.body, url, watchdog, declared);
    const save = (stream: ReadableStream<Uint8Array>) =>
      storeDownload(store, target, stream, (total) => {
        if (total > MAX_URL_UPLOAD_BYTES) throw tooLarge(url, total);
        if (plan.kind === "file" && total > left) throw quotaExceeded(owner.diskUsed, owner.diskQuota, total);
      });

    if (plan.kind === "file") {
      return await save(plan.format === "gz" ? await gunzipped(received, url, encoded) : received);
    }
    const tar = plan.format === "tar.gz" ? await gunzipped(received, url, encoded) : received;
    const { readable, index } = normalizeArchive(withinQuota(readTar(tar), owner));
    const size = await save(readable);
    const built = await index;
    checkIndexAgainstTar(built, size);
    await store.writeIndex(target.uuid, built);
    return indexDataSize(built);
  } finally {
    watchdog.stop();
  }
}

function declaredLength(header: string | null): number | null {
  return header !== null && /^\d+$/.test(header) ? Number(header) : null;
}

function tooLarge(url: URL, bytes: number): CodalabError {
  return new CodalabError(
    "PAYLOAD_TOO_LARGE",
    `${url.href} is larger than the ${formatSize(MAX_URL_UPLOAD_BYTES)} a download may store (${formatSize(bytes)} or more)`,
  );
}

/** Fails the download when no byte arrives for `ms` (a stalled server must not keep a bundle uploading). */
class Watchdog {
  readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly ms: number;
  private readonly url: URL;

  constructor(ms: number, url: URL) {
    this.ms = ms;
    this.url = url;
    this.kick();
  }

  kick(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller.abort(
        new CodalabError(
          "DOWNLOAD_FAILED",
          `could not download ${this.url.href}: nothing arrived for ${Math.round(this.ms / 1000)} s`,
        ),
      );
    }, this.ms);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
  }
}

async function fetchFollowingRedirects(start: URL, options: UrlUploadOptions, watchdog: Watchdog): Promise<Response> {
  let url = start;
  for (let redirects = 0; ; redirects += 1) {
    let response: Response;
    try {
      response = await options.fetch(url.href, {
        redirect: "manual",
        signal: watchdog.controller.signal,
        headers: { "user-agent": `CodaLab-Worksheets/${API_VERSION} (cl upload)`, accept: "*/*" },
      });
    } catch (error) {
      if (error instanceof CodalabError) throw error;
      const aborted = watchdog.controller.signal.reason;
      if (aborted instanceof CodalabError) throw aborted;
      throw new CodalabError("DOWNLOAD_FAILED", `could not download ${start.href}: ${reasonOf(error)}`);
    }
    const from = url === start ? "" : ` (redirected to ${url.href})`;
    watchdog.kick();
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      url = nextHop(start, url, response.headers.get("location"), redirects, options);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const text = response.statusText ? ` ${response.statusText}` : "";
      throw new CodalabError(
        "DOWNLOAD_FAILED",
        `could not download ${start.href}: the server answered HTTP ${response.status}${text}${from}`,
        { status: response.status },
      );
    }
    return response;
  }
}

function nextHop(start: URL, current: URL, location: string | null, redirects: number, options: UrlUploadOptions): URL {
  const fail = (why: string) => new CodalabError("DOWNLOAD_FAILED", `could not download ${start.href}: ${why}`);
  if (redirects >= MAX_REDIRECTS) throw fail(`more than ${MAX_REDIRECTS} redirects`);
  if (location === null) throw fail(`${current.href} redirects without saying where (no Location header)`);
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw fail(`${current.href} redirects to ${JSON.stringify(location)}, which is not a URL`);
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw fail(`it redirects to ${next.protocol}//…, and only http and https are downloaded`);
  }
  if (next.username !== "" || next.password !== "") throw fail("it redirects to a URL with a user name or password");
  if (!options.allowPrivateHosts) {
    const problem = privateHostProblem(next);
    if (problem !== null) throw fail(`it redirects to ${next.host}, and ${problem}`);
  }
  return next;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The response body, kicking the watchdog as bytes arrive. Its failures become DOWNLOAD_FAILED
 * (so that later stages can tell a broken connection from a broken archive), and a body shorter
 * than its Content-Length is an error rather than a short file.
 */
function networkBytes(
  body: ReadableStream<Uint8Array> | null,
  url: URL,
  watchdog: Watchdog,
  declared: number | null,
): ReadableStream<Uint8Array> {
  const reader = body?.getReader();
  let received = 0;
  const broken = (why: string) =>
    new CodalabError("DOWNLOAD_FAILED", `could not download ${url.href}: ${why} after ${formatSize(received)}`);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = reader === undefined ? { done: true, value: undefined } : await reader.read();
      } catch (error) {
        const aborted = watchdog.controller.signal.reason;
        controller.error(
          error instanceof CodalabError
            ? error
            : aborted instanceof CodalabError
              ? aborted
              : broken(`the connection broke (${reasonOf(error)})`),
        );
        return;
      }
      if (next.done) {
        if (declared !== null && received !== declared) {
          controller.error(broken(`the answer ended early (Content-Length ${declared})`));
        } else controller.close();
        return;
      }
      watchdog.kick();
      received += next.value.byteLength;
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      await reader?.cancel(reason).catch(() => undefined);
    },
  });
}

/**
 * A gzip body, decompressed: unless the server already sent it with `Content-Encoding`, which the
 * Workers runtime decodes on its own (then the bytes no longer start like gzip).
 */
async function gunzipped(
  stream: ReadableStream<Uint8Array>,
  url: URL,
  encoded: boolean,
): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < 3 && !done) {
    const next = await reader.read();
    if (next.done) done = true;
    else {
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
  }
  const start = new Uint8Array(Math.min(headBytes, 3));
  let filled = 0;
  for (const chunk of head) {
    const take = chunk.subarray(0, start.byteLength - filled);
    start.set(take, filled);
    filled += take.byteLength;
  }
  const replay = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = head.shift();
      if (chunk !== undefined) {
        controller.enqueue(chunk);
        return;
      }
      const next = done ? { done: true as const } : await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
    },
  });
  if (looksGzipped(start)) return decodingFailures(gunzipStream(replay), url);
  if (encoded) return replay;
  await reader.cancel().catch(() => undefined);
  throw new CodalabError(
    "INVALID_ARCHIVE",
    `could not unpack ${url.href}: its name says gzip, but ${headBytes === 0 ? "it is empty" : "it is not gzip data"}; ` +
      "upload it packed (unpack: false, `cl upload --pack`) to keep it as it is",
  );
}

/** The decompressed bytes; data that does not decode fails as the archive problem it is. */
function decodingFailures(stream: ReadableStream<Uint8Array>, url: URL): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error instanceof CodalabError ? error : notGzip(url, error));
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}

function notGzip(url: URL, error: unknown): CodalabError {
  return new CodalabError(
    "INVALID_ARCHIVE",
    `could not unpack ${url.href}: it is not valid gzip data (${reasonOf(error)})`,
  );
}

/** Stops an archive as soon as its files exceed the disk quota left (the final charge is exact). */
async function* withinQuota(entries: AsyncIterable<TarEntry>, owner: Owner): AsyncGenerator<TarEntry> {
  const left = owner.diskQuota - owner.diskUsed;
  let total = 0;
  for await (const entry of entries) {
    if (entry.header.type === "file") {
      total += entry.header.size;
      if (total > left) throw quotaExceeded(owner.diskUsed, owner.diskQuota, total);
    }
    yield entry;
  }
}

/**
 * The download into the multipart upload recorded for the bundle. What the stream raises (the
 * network, the archive, a limit) comes through as it is; anything else is storage's refusal.
 */
async function storeDownload(
  store: BundleStore,
  target: Target,
  stream: ReadableStream<Uint8Array>,
  check: (total: number) => void,
): Promise<number> {
  try {
    return await streamToStore(store, target.key, stream, { uploadId: target.uploadId, check });
  } catch (error) {
    if (error instanceof CodalabError) throw error;
    throw new CodalabError("UNAVAILABLE", `storage refused the download: ${reasonOf(error)}; try again`);
  }
}

/**
 * The error to report and store as the failure message. Our own errors are kept (archive problems
 * get the URL in front); anything else surfaced from the gzip decoder.
 */
function describeFailure(error: unknown, url: URL): CodalabError {
  if (error instanceof CodalabError) {
    if (error.code !== "INVALID_ARCHIVE" || error.message.startsWith("could not unpack")) return error;
    return new CodalabError(error.code, `could not unpack ${url.href}: ${error.message}`, error.details);
  }
  return notGzip(url, error);
}
