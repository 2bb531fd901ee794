/** Worksheet endpoints (docs/design/worksheets-api.md) for the web pages. */
import type { NewWorksheetItemJson, PermissionLevel, UpdateWorksheetRequest } from "@codalab/core";
import type { FileCellRequest, ResolvedCell, WorksheetBlock } from "@codalab/core/worksheet/blocks";
import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";
import {
  type Interpretation,
  parseBlocks,
  parseInterpretation,
  parseItems,
  parseLiveBlocks,
  parseWorksheet,
  parseWorksheetEnvelope,
  type Worksheet,
  type WorksheetItem,
} from "./worksheet.ts";

export async function createWorksheet(name: string, title?: string): Promise<Worksheet> {
  const body = await http.request("/rest/worksheets", { method: "POST", body: title ? { name, title } : { name } });
  return parseWorksheetEnvelope(body);
}

export type WorksheetSearchResult = { worksheets: Worksheet[]; total: number };

export async function searchWorksheets(
  keywords: readonly string[],
  signal?: AbortSignal,
): Promise<WorksheetSearchResult> {
  const body = await http.request("/rest/worksheets", { query: { keywords }, signal });
  if (!isRecord(body) || !Array.isArray(body.worksheets)) throw unexpectedResponse(200, "no worksheet list");
  return {
    worksheets: body.worksheets.map(parseWorksheet),
    total: typeof body.total === "number" ? body.total : body.worksheets.length,
  };
}

/** A worksheet spec (name, uuid or prefix, `/` = your home) → the worksheet; 404 when none. */
export async function resolveWorksheet(spec: string, signal?: AbortSignal): Promise<Worksheet> {
  const body = await http.request("/rest/worksheets", { query: { specs: [spec] }, signal });
  if (!isRecord(body) || !Array.isArray(body.worksheets) || body.worksheets.length === 0) {
    throw unexpectedResponse(200, "no worksheet list");
  }
  return parseWorksheet(body.worksheets[0]);
}

export async function updateWorksheet(uuid: string, change: UpdateWorksheetRequest): Promise<Worksheet> {
  return parseWorksheetEnvelope(await http.request(`/rest/worksheets/${uuid}`, { method: "PATCH", body: change }));
}

export async function deleteWorksheet(uuid: string, force: boolean): Promise<void> {
  await http.request("/rest/worksheets/delete", { method: "POST", body: { uuids: [uuid], force } });
}

export type WorksheetSource = { version: number; source: string };

export async function fetchSource(uuid: string): Promise<WorksheetSource> {
  const body = await http.request(`/rest/worksheets/${uuid}/source`);
  if (!isRecord(body) || typeof body.version !== "number" || typeof body.source !== "string") {
    throw unexpectedResponse(200, "no source");
  }
  return { version: body.version, source: body.source };
}

/** Replaces every item; 409 STALE_VERSION (with details.current_version) when someone saved since `version`. */
export async function saveSource(uuid: string, source: string, version: number): Promise<Worksheet> {
  return parseWorksheetEnvelope(
    await http.request(`/rest/worksheets/${uuid}/source`, { method: "PUT", body: { source, version } }),
  );
}

export type AddItemsRequest = {
  items?: NewWorksheetItemJson[];
  source?: string;
  after_id?: number;
  replace_ids?: number[];
  version?: number;
};

export async function addItems(
  uuid: string,
  request: AddItemsRequest,
): Promise<{ worksheet: Worksheet; added: WorksheetItem[] }> {
  const body = await http.request(`/rest/worksheets/${uuid}/items`, { method: "POST", body: request });
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return { worksheet: parseWorksheet(body.worksheet), added: parseItems(body.added) };
}

export async function deleteItems(uuid: string, ids: number[], version?: number): Promise<Worksheet> {
  const body = await http.request(`/rest/worksheets/${uuid}/items/delete`, {
    method: "POST",
    body: version === undefined ? { ids } : { ids, version },
  });
  return parseWorksheetEnvelope(body);
}

/** The fast first paint: searches as placeholders, file cells pending. */
export async function fetchInterpretation(uuid: string, signal?: AbortSignal): Promise<Interpretation> {
  return parseInterpretation(
    await http.request(`/rest/worksheets/${uuid}/interpretation`, { query: { brief: 1 }, signal }),
  );
}

/** The blocks a placeholder stands for (file cells left pending). */
export async function fetchDirectiveBlocks(uuid: string, directive: string): Promise<WorksheetBlock[]> {
  const body = await http.request(`/rest/worksheets/${uuid}/interpretation`, {
    query: { directive, file_cells: "defer" },
  });
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return parseBlocks(body.blocks);
}

/** Blocks showing any of `bundleUuids`, aligned with the full interpretation (null elsewhere). */
export async function fetchLiveBlocks(
  uuid: string,
  bundleUuids: readonly string[],
): Promise<(WorksheetBlock | null)[]> {
  return parseLiveBlocks(
    await http.request(`/rest/worksheets/${uuid}/interpretation`, {
      query: { bundle_uuid: bundleUuids, file_cells: "defer" },
    }),
  );
}

export async function fetchFileCells(cells: readonly FileCellRequest[]): Promise<ResolvedCell[]> {
  const body = await http.request("/rest/interpret/file-cells", { method: "POST", body: { cells } });
  if (!isRecord(body) || !Array.isArray(body.values) || body.values.length !== cells.length) {
    throw unexpectedResponse(200, "file cell values that do not match the cells asked");
  }
  return body.values as ResolvedCell[];
}

export async function fetchWorksheet(uuid: string): Promise<Worksheet> {
  return parseWorksheetEnvelope(await http.request(`/rest/worksheets/${uuid}`));
}

/** `cl wperm`: a group's permission on a worksheet; `none` removes the group's access. */
export async function setWorksheetPermission(uuid: string, group: string, permission: PermissionLevel): Promise<void> {
  await http.request(`/rest/worksheets/${uuid}/permissions`, { method: "POST", body: { group, permission } });
}
