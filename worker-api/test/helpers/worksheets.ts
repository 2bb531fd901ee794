/** Worksheet fixtures for API tests: create, save source, read items and interpretations. */
import type { WorksheetInterpretation, WorksheetItemJson, WorksheetJson } from "@codalab/core";
import { api } from "./api.ts";
import type { ErrorBody } from "./bundles.ts";

export type WorksheetBody = { worksheet: WorksheetJson };
export type ItemsBody = WorksheetBody & { items: WorksheetItemJson[] };

let counter = 0;
export function worksheetName(prefix = "ws"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function createWorksheet(token: string, name = worksheetName()): Promise<WorksheetJson> {
  const res = await api<WorksheetBody & ErrorBody>("POST", "/rest/worksheets", { token, body: { name } });
  if (res.status !== 201) throw new Error(`create worksheet failed: ${JSON.stringify(res.body)}`);
  return res.body.worksheet;
}

export function getSource(token: string, uuid: string) {
  return api<{ version: number; source: string } & ErrorBody>("GET", `/rest/worksheets/${uuid}/source`, { token });
}

export function putSource(token: string, uuid: string, source: string, version: number) {
  return api<ItemsBody & ErrorBody>("PUT", `/rest/worksheets/${uuid}/source`, { token, body: { source, version } });
}

/** Replaces the source, starting from whatever version the worksheet is at. */
export async function setSource(token: string, uuid: string, lines: readonly string[]): Promise<ItemsBody> {
  const current = await getSource(token, uuid);
  const res = await putSource(token, uuid, lines.map((line) => `${line}\n`).join(""), current.body.version);
  if (res.status !== 200) throw new Error(`save failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function addItems(token: string, uuid: string, body: Record<string, unknown>) {
  return api<WorksheetBody & { added: WorksheetItemJson[] } & ErrorBody>("POST", `/rest/worksheets/${uuid}/items`, {
    token,
    body,
  });
}

export async function getItems(token: string, uuid: string): Promise<WorksheetItemJson[]> {
  const res = await api<ItemsBody>("GET", `/rest/worksheets/${uuid}`, { token });
  return res.body.items;
}

export async function interpret(token: string | undefined, uuid: string, query = ""): Promise<WorksheetInterpretation> {
  const res = await api<WorksheetInterpretation & ErrorBody>("GET", `/rest/worksheets/${uuid}/interpretation${query}`, {
    token,
  });
  if (res.status !== 200) throw new Error(`interpretation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
