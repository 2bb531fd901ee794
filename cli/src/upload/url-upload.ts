/**
 * `cl upload <URL>` (spec §9.1, item 3): the instance downloads the URL itself
 * (`POST /rest/bundles/{uuid}/upload/url`, docs/design/bundles-api.md). cl checks what it can
 * before creating the bundle (an http(s) URL without credentials, an archive the server can
 * unpack: core `planUrlUpload`), then creates it and waits while the server downloads; the answer
 * comes once the bundle is ready or failed.
 */
import { parseUploadUrl, planUrlUpload } from "@codalab/core/archive/url-upload";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { ApiClient } from "../api/api-client.ts";
import { parseBundleEnvelope, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { CodalabError } from "../core-light.ts";
import { CliError, usageError } from "../errors/cli-error.ts";
import { hintForCode } from "../errors/error-hints.ts";

/** The request's answer comes when the download is over, however long that takes. */
const DOWNLOAD_TIMEOUT_MS = 24 * 3600_000;

export function isUrl(path: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(path);
}

/** Checks a URL upload before anything is created; throws usage errors with hints. */
export function checkUrlUpload(url: string, options: { pack: boolean; git: boolean }): void {
  if (options.git) {
    throw usageError(
      `cannot clone ${url}: this instance cannot run git (its server is a Cloudflare Worker)`,
      "clone it yourself (git clone <url> dir), then `cl upload dir` (add -x .git to leave out the history)",
    );
  }
  try {
    planUrlUpload(parseUploadUrl(url), { unpack: !options.pack });
  } catch (error) {
    if (!(error instanceof CodalabError)) throw error;
    const isArchive = typeof error.details === "object" && error.details !== null && "format" in error.details;
    throw usageError(
      error.message,
      isArchive
        ? "add -p/--pack to keep it as one file, or download it and `cl upload` the local file (cl unpacks it)"
        : "give an http:// or https:// URL",
    );
  }
}

export type UrlUploadRequest = {
  client: ApiClient;
  url: string;
  pack: boolean;
  metadata: Record<string, JsonValue>;
  worksheetUuid?: string;
  status?: (text: string) => void;
};

export async function uploadFromUrl(request: UrlUploadRequest): Promise<WireBundle> {
  const { client, url } = request;
  const created = await client.post("/rest/bundles", {
    bundle_type: "dataset",
    metadata: request.metadata,
    worksheet_uuid: request.worksheetUuid,
  });
  const uuid = parseResponse("POST /rest/bundles", created, parseBundleEnvelope).uuid;
  request.status?.(`Downloading ${url} on the server...`);
  try {
    const body = await client.post(
      `/rest/bundles/${uuid}/upload/url`,
      { url, unpack: !request.pack },
      { timeoutMs: DOWNLOAD_TIMEOUT_MS },
    );
    return parseResponse("POST upload/url", body, parseBundleEnvelope);
  } catch (error) {
    // A refusal leaves the bundle uploading, and a lost connection may leave the download running:
    // either way it is given up, so no bundle stays uploading (a failed download already failed it).
    await client.request("DELETE", `/rest/bundles/${uuid}/upload`).catch(() => undefined);
    if (!(error instanceof CodalabError) || error instanceof CliError) throw error;
    throw new CliError(error.code, `upload of ${uuid} failed: ${error.message}`, {
      hint: hintFor(error) ?? hintForCode(error.code),
      cause: error,
    });
  } finally {
    request.status?.("");
  }
}

/** Hints particular to URL uploads; other codes get their usual one (errors/error-hints.ts). */
function hintFor(error: CodalabError): string | undefined {
  switch (error.code) {
    case "INVALID_ARCHIVE":
      return "add -p/--pack to keep the file as it is";
    case "BAD_REQUEST":
      return "download it yourself, then `cl upload` the local file";
    default:
      return undefined;
  }
}
