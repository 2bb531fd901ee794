/**
 * Selected bundles and the bundle clipboard (copy / cut / paste between worksheets, spec §10.7).
 * The clipboard lives in localStorage so a bundle copied on one worksheet pastes on another, even
 * in another tab. Cutting remembers the items to detach from the source worksheet after the paste.
 */
import type { WorksheetBlock } from "@codalab/core/worksheet/blocks";

/** Item ids of the table rows showing these bundles (search results have none). */
export function itemIdsOfBundles(blocks: readonly WorksheetBlock[], uuids: ReadonlySet<string>): number[] {
  const ids: number[] = [];
  for (const block of blocks) {
    if (!("bundles_spec" in block)) continue;
    block.bundles_spec.uuid_spec.forEach((uuid, row) => {
      const id = block.mode === "table_block" ? block.ids[row] : block.ids[0];
      if (uuids.has(uuid) && id !== null && id !== undefined && !ids.includes(id)) ids.push(id);
    });
  }
  return ids;
}

/** Selected bundles still shown on the page, in page order (a reload may have removed some). */
export function selectedInOrder(blocks: readonly WorksheetBlock[], selected: ReadonlySet<string>): string[] {
  const order: string[] = [];
  for (const block of blocks) {
    if (!("bundles_spec" in block)) continue;
    for (const uuid of block.bundles_spec.uuid_spec) if (selected.has(uuid) && !order.includes(uuid)) order.push(uuid);
  }
  return order;
}

export type BundleClipboard = {
  uuids: string[];
  /** Set by cut: the worksheet and items to detach once pasted. */
  cut: { worksheet_uuid: string; item_ids: number[] } | null;
};

const KEY = "codalab.bundle-clipboard";

export type ClipboardStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function readClipboard(storage: ClipboardStorage): BundleClipboard | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(KEY) ?? "null");
    if (typeof value !== "object" || value === null || !("uuids" in value) || !Array.isArray(value.uuids)) return null;
    const uuids = value.uuids.filter(
      (uuid): uuid is string => typeof uuid === "string" && /^0x[0-9a-f]{32}$/.test(uuid),
    );
    const cut = "cut" in value ? (value.cut as BundleClipboard["cut"]) : null;
    return uuids.length === 0 ? null : { uuids, cut: cut && Array.isArray(cut.item_ids) ? cut : null };
  } catch {
    return null;
  }
}

export function writeClipboard(storage: ClipboardStorage, clipboard: BundleClipboard | null): void {
  if (clipboard === null) storage.removeItem(KEY);
  else storage.setItem(KEY, JSON.stringify(clipboard));
}
