/** Appending items to a worksheet (`cl add`, `cl wadd`, `cl detach`'s counterpart). */
import { parseResponse } from "../api/wire.ts";
import { parseWorksheetEnvelope } from "../api/worksheet-wire.ts";
import type { WorksheetTarget } from "./current-worksheet.ts";

/** Items as the API takes them: `{type: "markup"|"directive", value}`, `{type: "bundle", bundle_uuid}`, … */
export type NewItem = Record<string, string>;

/** Appends `items` at the end (or replaces every item with them); one request, all or nothing. */
export async function addItems(
  target: WorksheetTarget,
  items: readonly NewItem[],
  options: { replaceIds?: readonly number[] } = {},
): Promise<void> {
  if (items.length === 0 && (options.replaceIds ?? []).length === 0) return;
  const path = `/rest/worksheets/${target.uuid}/items`;
  if (items.length === 0) {
    await target.client.post(`${path}/delete`, { ids: options.replaceIds });
    return;
  }
  const body = await target.client.post(path, { items, replace_ids: options.replaceIds });
  parseResponse(`POST ${path}`, body, parseWorksheetEnvelope);
}
