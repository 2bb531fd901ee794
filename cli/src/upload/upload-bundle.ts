/**
 * One `cl upload` against the server (docs/design/bundles-api.md, "Uploads"): create the bundle,
 * start the upload, send the parts, complete with the index. With a resume store, an upload that
 * was interrupted (network, Ctrl-C, a crash) is picked up where it stopped: same command, same
 * bytes, same bundle, only the missing parts.
 */
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { ApiClient } from "../api/api-client.ts";
import { parseBundleEnvelope, parseUploadStatus, type UploadStatus, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { CodalabError, type ErrorCode } from "../core-light.ts";
import { CliError } from "../errors/cli-error.ts";
import { ProgressBar } from "../output/progress-bar.ts";
import { partLength, uploadParts } from "./part-uploader.ts";
import type { ResumeRecord, ResumeStore } from "./resume-store.ts";
import { digest, type UploadSource } from "./upload-source.ts";

export const DEFAULT_PART_SIZE = 32 * 1024 * 1024;
export const DEFAULT_PARALLEL_PARTS = 4;
/** A part may take a while on a slow link; the server answers once it is stored. */
const PART_TIMEOUT_MS = 10 * 60_000;
/** Completing checks the whole upload on the server (sizes, index against the tar). */
const COMPLETE_TIMEOUT_MS = 5 * 60_000;

export type UploadRequest = {
  client: ApiClient;
  source: UploadSource;
  metadata: Record<string, JsonValue>;
  /** The worksheet the new bundle is added to (see worksheets/current-worksheet.ts); none: detached. */
  worksheetUuid?: string;
  resume: ResumeStore | undefined;
  partSize?: number;
  parallel?: number;
  /** Output.status: draws the progress bar (terminals only). */
  status?: (text: string) => void;
  stopAfterParts?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

/** Network trouble and overloaded instances: the upload can continue later. */
const RESUMABLE: readonly ErrorCode[] = ["UNAVAILABLE", "GATEWAY_TIMEOUT", "INTERNAL"];

export async function uploadBundle(request: UploadRequest): Promise<WireBundle> {
  const { client, source, resume } = request;
  const partSize = request.partSize ?? DEFAULT_PART_SIZE;
  const now = request.now ?? Date.now;
  const key = digest([client.address, source.kind, source.size, source.fingerprint, request.metadata, partSize]);

  let started = await resumeFrom(client, resume, key);
  if (started.kind === "done") return started.bundle;
  if (started.kind === "fresh") {
    const uuid = await createBundle(client, request.metadata, request.worksheetUuid);
    const record: ResumeRecord = {
      version: 1,
      address: client.address,
      bundle_uuid: uuid,
      kind: source.kind,
      size: source.size,
      part_size: partSize,
      saved_at: now(),
    };
    await resume?.save(key, record);
    try {
      const body = await client.post(`/rest/bundles/${uuid}/upload`, {
        kind: source.kind,
        size: source.size,
        part_size: partSize,
      });
      started = { kind: "resume", uuid, status: parseResponse("POST upload", body, parseUploadStatus) };
    } catch (error) {
      throw await giveUp(client, resume, key, uuid, error);
    }
  }
  const { uuid, status } = started;
  try {
    checkPlan(status, source.size);
    const received = new Set(status.received);
    const missing: number[] = [];
    let already = 0;
    for (let part = 1; part <= status.part_count; part += 1) {
      if (received.has(part)) already += partLength({ size: source.size, partSize: status.part_size }, part);
      else missing.push(part);
    }
    const bar = new ProgressBar({ label: "Uploading", total: source.size, status: request.status, initial: already });
    try {
      await uploadParts(
        source,
        { size: source.size, partSize: status.part_size, partCount: status.part_count, missing },
        {
          parallel: request.parallel ?? DEFAULT_PARALLEL_PARTS,
          send: (part, bytes) => sendPart(client, uuid, part, bytes),
          onPartDone: (_, bytes) => bar.add(bytes),
          stopAfterParts: request.stopAfterParts,
          sleep: request.sleep,
        },
      );
    } finally {
      bar.finish();
    }
    const body = await client.post(
      `/rest/bundles/${uuid}/upload/complete`,
      source.index === null ? {} : { index: source.index },
      { timeoutMs: COMPLETE_TIMEOUT_MS },
    );
    const bundle = parseResponse("POST upload/complete", body, parseBundleEnvelope);
    await resume?.drop(key);
    return bundle;
  } catch (error) {
    throw await giveUp(client, resume, key, uuid, error);
  }
}

type Start =
  | { kind: "fresh" }
  | { kind: "done"; bundle: WireBundle }
  | { kind: "resume"; uuid: string; status: UploadStatus };

/** An upload of the same bytes that this machine started earlier and did not finish, if the server still has it. */
async function resumeFrom(client: ApiClient, resume: ResumeStore | undefined, key: string): Promise<Start> {
  const record = await resume?.load(key);
  if (record === undefined || record.address !== client.address) return { kind: "fresh" };
  const uuid = record.bundle_uuid;
  try {
    const body = await client.get(`/rest/bundles/${uuid}/upload`);
    return { kind: "resume", uuid, status: parseResponse("GET upload", body, parseUploadStatus) };
  } catch (error) {
    if (error instanceof CodalabError && RESUMABLE.includes(error.code)) throw error;
  }
  // No upload in progress: the last run may have completed it just before being stopped.
  try {
    const bundle = parseResponse("GET bundle", await client.get(`/rest/bundles/${uuid}`), parseBundleEnvelope);
    await resume?.drop(key);
    return bundle.state === "ready" ? { kind: "done", bundle } : { kind: "fresh" };
  } catch (error) {
    if (error instanceof CodalabError && RESUMABLE.includes(error.code)) throw error;
    await resume?.drop(key);
    return { kind: "fresh" };
  }
}

async function createBundle(
  client: ApiClient,
  metadata: Record<string, JsonValue>,
  worksheetUuid: string | undefined,
): Promise<string> {
  const body = await client.post("/rest/bundles", { bundle_type: "dataset", metadata, worksheet_uuid: worksheetUuid });
  return parseResponse("POST /rest/bundles", body, parseBundleEnvelope).uuid;
}

async function sendPart(client: ApiClient, uuid: string, part: number, bytes: Uint8Array): Promise<void> {
  const response = await client.open("PUT", `/rest/bundles/${uuid}/upload/parts/${part}`, {
    body: bytes,
    timeoutMs: PART_TIMEOUT_MS,
  });
  // Read the small JSON answer so the connection can be reused.
  await response.arrayBuffer();
}

/** The server may choose another part size (to stay within R2's part count); its plan must still cover `size`. */
function checkPlan(status: UploadStatus, size: number): void {
  const fits = status.part_count === 1 && status.part_size >= size;
  const split = status.part_size > 0 && status.part_count === Math.ceil(size / status.part_size);
  if (!fits && !split) {
    throw new CodalabError(
      "INTERNAL",
      `the server planned ${status.part_count} parts of ${status.part_size} bytes for ${size} bytes`,
    );
  }
}

/**
 * After a failure: keep the record when trying again later can work (the hint says how), or drop
 * the upload for good (the bundle is marked failed) when it cannot.
 */
async function giveUp(
  client: ApiClient,
  resume: ResumeStore | undefined,
  key: string,
  uuid: string,
  error: unknown,
): Promise<unknown> {
  if (error instanceof CodalabError && RESUMABLE.includes(error.code)) {
    if (resume === undefined) return error;
    return new CliError(error.code, `upload of ${uuid} interrupted: ${error.message}`, {
      hint: "run the same command again to resume the upload where it stopped",
      cause: error,
    });
  }
  await resume?.drop(key);
  await client.request("DELETE", `/rest/bundles/${uuid}/upload`).catch(() => undefined);
  return error;
}
