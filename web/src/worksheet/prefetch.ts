/**
 * The worksheet's first interpretation, asked for by main.tsx as soon as the app starts on a
 * worksheet address, while the page's code is still downloading; the page takes it (once)
 * instead of asking again. It saves the time the code takes to arrive.
 */
import type { Interpretation } from "../api/worksheet.ts";
import { fetchInterpretation } from "../api/worksheets-api.ts";

const WORKSHEET_PATH = /^\/worksheets\/(0x[0-9a-f]{32})\/?$/;
const started = new Map<string, Promise<Interpretation>>();

export function prefetchForPath(pathname: string): void {
  const uuid = WORKSHEET_PATH.exec(pathname)?.[1];
  if (uuid === undefined) return;
  const request = fetchInterpretation(uuid);
  // A failure is reported when the page takes the answer, not here.
  request.catch(() => undefined);
  started.set(uuid, request);
}

/** The prefetched interpretation of `uuid`, or undefined (then the page asks itself). */
export function takePrefetched(uuid: string): Promise<Interpretation> | undefined {
  const request = started.get(uuid);
  started.delete(uuid);
  return request;
}
