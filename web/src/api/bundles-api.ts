/** Bundle endpoints (docs/design/bundles-api.md, core/src/api/runs.ts) for the web pages. */
import type { BundleInclude, CreateDerivedRequest, DeleteBundlesRequest, UpdateBundleRequest } from "@codalab/core";
import { unexpectedResponse } from "./api-error.ts";
import { type Bundle, parseBundleEnvelope, parseBundleList, parseTargetInfo, type TargetInfo } from "./bundle.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";

export function fetchBundle(uuid: string, include: readonly BundleInclude[] = [], signal?: AbortSignal) {
  const query = include.length > 0 ? { include: include.join(",") } : undefined;
  return http.request(`/rest/bundles/${uuid}`, { query, signal }).then(parseBundleEnvelope);
}

export type BundleSearchResult = { bundles: Bundle[]; total: number };

/** CodaLab search keywords (spec §5.6), e.g. `[".mine", "state=running"]`. */
export async function searchBundles(keywords: readonly string[], signal?: AbortSignal): Promise<BundleSearchResult> {
  const body = await http.request("/rest/bundles", { query: { keywords }, signal });
  if (!isRecord(body) || typeof body.total !== "number") throw unexpectedResponse(200, "no search result");
  return { bundles: parseBundleList(body), total: body.total };
}

/** Bundle specs (names, `^N`, uuid prefixes), resolved relative to `worksheet` when given. */
export async function resolveBundleSpecs(specs: readonly string[], worksheet?: string): Promise<Bundle[]> {
  return parseBundleList(await http.request("/rest/bundles", { query: { specs, worksheet } }));
}

export async function updateBundle(uuid: string, change: UpdateBundleRequest): Promise<Bundle> {
  return parseBundleEnvelope(await http.request(`/rest/bundles/${uuid}`, { method: "PATCH", body: change }));
}

export async function deleteBundles(request: Partial<DeleteBundlesRequest> & { uuids: string[] }): Promise<string[]> {
  const body = await http.request("/rest/bundles/delete", { method: "POST", body: request });
  if (!isRecord(body) || !Array.isArray(body.deleted)) throw unexpectedResponse(200, "no list of deleted bundles");
  return body.deleted.filter((uuid): uuid is string => typeof uuid === "string");
}

export async function killBundle(uuid: string): Promise<Bundle> {
  return parseBundleEnvelope(await http.request(`/rest/bundles/${uuid}/kill`, { method: "POST", body: {} }));
}

/** Creates a run or make bundle; `worksheet_uuid` appends it to that worksheet. */
export async function createDerivedBundle(request: CreateDerivedRequest): Promise<Bundle> {
  return parseBundleEnvelope(await http.request("/rest/bundles", { method: "POST", body: request }));
}

/** `path` relative to the bundle ("" = the bundle itself), each segment URL-encoded. */
export function contentsPath(path: string): string {
  return path
    .split("/")
    .filter((part) => part !== "")
    .map(encodeURIComponent)
    .join("/");
}

export async function fetchTargetInfo(
  uuid: string,
  path: string,
  depth = 1,
  signal?: AbortSignal,
): Promise<TargetInfo> {
  const body = await http.request(`/rest/bundles/${uuid}/contents/info/${contentsPath(path)}`, {
    query: { depth },
    signal,
  });
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return parseTargetInfo(body.info);
}

/** Where the browser downloads a file or (as a tar.gz) a directory of a bundle. */
export function blobUrl(uuid: string, path: string, query: Record<string, string | number> = {}): string {
  const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  const text = params.toString();
  return `/rest/bundles/${uuid}/contents/blob/${contentsPath(path)}${text === "" ? "" : `?${text}`}`;
}

/** The first or last `lines` lines of a text file, as CodaLab summarises them. */
export async function fetchFileLines(
  uuid: string,
  path: string,
  which: { head: number } | { tail: number },
  signal?: AbortSignal,
): Promise<string> {
  const response = await http.raw(`/rest/bundles/${uuid}/contents/blob/${contentsPath(path)}`, {
    query: { ...which, max_line_length: 1000 },
    signal,
  });
  return response.text();
}
