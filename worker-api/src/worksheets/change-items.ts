/**
 * The item-changing operations behind the routes: whole-source save (optimistic concurrency on
 * the worksheet version), insertion of items or source lines after an item, and detaching items.
 * All need `all` on a worksheet that is not frozen.
 */
import {
  type AddWorksheetItemsRequest,
  CodalabError,
  MAX_WORKSHEET_ITEMS,
  MAX_WORKSHEET_SOURCE_BYTES,
  type NewWorksheetItem,
  type NewWorksheetItemJson,
  parseSource,
  requireNotFrozen,
  splitSourceLines,
} from "@codalab/core";
import { requireBundles } from "../bundles/bundle-access.ts";
import { resolveSourceLines, type SourceContext } from "./source-items.ts";
import { requireWorksheetAccess, requireWorksheets, type WorksheetAccess } from "./worksheet-access.ts";
import { applyItemChange, type ItemChange, loadItems, type StoredItem, staleVersion } from "./worksheet-items.ts";

/** An insertion without a version retries this often when others change the worksheet meanwhile. */
const MAX_ATTEMPTS = 3;

export function checkSourceSize(source: string): void {
  // Cheap bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (source.length * 3 <= MAX_WORKSHEET_SOURCE_BYTES) return;
  const bytes = new TextEncoder().encode(source).byteLength;
  if (bytes > MAX_WORKSHEET_SOURCE_BYTES) {
    throw new CodalabError(
      "PAYLOAD_TOO_LARGE",
      `the worksheet source has ${bytes} bytes; at most ${MAX_WORKSHEET_SOURCE_BYTES} (1 MiB) are allowed: split it into sub-worksheets`,
    );
  }
}

function checkItemCount(count: number): void {
  if (count > MAX_WORKSHEET_ITEMS) {
    throw new CodalabError(
      "PAYLOAD_TOO_LARGE",
      `a worksheet may hold at most ${MAX_WORKSHEET_ITEMS} items (this change makes ${count}): split it into sub-worksheets`,
    );
  }
}

async function editable(context: SourceContext): Promise<WorksheetAccess> {
  const access = await requireWorksheetAccess(context.db, context.caller, context.worksheetUuid, "all");
  requireNotFrozen("worksheet", context.worksheetUuid, access.row.frozen, "change its items");
  return access;
}

/** Replaces every item with the lines of `source`; 409 STALE_VERSION unless `version` is current. */
export async function saveSource(context: SourceContext, source: string, version: number): Promise<void> {
  checkSourceSize(source);
  const { row } = await editable(context);
  if (row.version !== version) throw staleVersion(row.uuid, version, row.version);
  const lines = parseSource(splitSourceLines(source));
  checkItemCount(lines.length);
  const items = await resolveSourceLines(context, lines);
  const applied = await applyItemChange(context.db, row.uuid, version, {
    deleteAll: true,
    insert: { items, firstSortKey: 1 },
  });
  if (!applied) {
    const current = await requireWorksheetAccess(context.db, context.caller, row.uuid, "all");
    throw staleVersion(row.uuid, version, current.row.version);
  }
}

function oneLine(value: string, what: string): string {
  if (/[\r\n]/.test(value)) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `${what} items are one line each: send one item per line, or the lines as \`source\``,
    );
  }
  return value;
}

/** Typed items → stored items; the caller must be able to read the bundles and worksheets named. */
async function typedItems(context: SourceContext, items: readonly NewWorksheetItemJson[]): Promise<NewWorksheetItem[]> {
  const bundleUuids = items.flatMap((item) => (item.type === "bundle" ? [item.bundle_uuid] : []));
  const worksheetUuids = items.flatMap((item) => (item.type === "worksheet" ? [item.subworksheet_uuid] : []));
  await Promise.all([
    requireBundles(context.db, context.caller, [...new Set(bundleUuids)], "read"),
    requireWorksheets(context.db, context.caller, [...new Set(worksheetUuids)], "read"),
  ]);
  return items.map(storedForm);
}

function storedForm(item: NewWorksheetItemJson): NewWorksheetItem {
  if (item.type === "bundle")
    return { type: "bundle", bundle_uuid: item.bundle_uuid, subworksheet_uuid: null, value: "" };
  if (item.type === "worksheet") {
    return { type: "worksheet", bundle_uuid: null, subworksheet_uuid: item.subworksheet_uuid, value: "" };
  }
  if (item.type === "markup") {
    return { type: "markup", bundle_uuid: null, subworksheet_uuid: null, value: oneLine(item.value, "markup") };
  }
  // Stored exactly as a `% …` source line would be (tokens re-quoted).
  const [parsed] = parseSource([`% ${oneLine(item.value, "directive")}`]);
  const value = parsed?.type === "directive" ? parsed.value : item.value;
  return { type: "directive", bundle_uuid: null, subworksheet_uuid: null, value };
}

function itemOf(items: readonly StoredItem[], id: number, worksheetUuid: string): StoredItem {
  const item = items.find((candidate) => candidate.id === id);
  if (item === undefined)
    throw new CodalabError("NOT_FOUND", `item ${id} is not on worksheet ${worksheetUuid}`, { id });
  return item;
}

/** Where new items go: the first sort key, and the deletions and shift that make room. */
function placement(
  items: readonly StoredItem[],
  request: Pick<AddWorksheetItemsRequest, "after_id" | "replace_ids">,
  count: number,
  worksheetUuid: string,
): { firstSortKey: number; change: Omit<ItemChange, "insert"> } {
  const replaced = new Set(request.replace_ids ?? []);
  for (const id of replaced) itemOf(items, id, worksheetUuid);
  let after: StoredItem | null | "end" = "end";
  if (request.after_id === 0) after = null;
  else if (request.after_id !== undefined) {
    after = itemOf(items, request.after_id, worksheetUuid);
    if (replaced.has(after.id)) {
      throw new CodalabError("VALIDATION_FAILED", `after_id ${after.id} is one of the replaced items`);
    }
  } else if (replaced.size > 0) {
    const first = items.findIndex((item) => replaced.has(item.id));
    after = first <= 0 ? null : (items[first - 1] ?? null);
  }
  const kept = items.filter((item) => !replaced.has(item.id));
  const deleteIds = [...replaced];
  if (after === "end") return { firstSortKey: (kept[kept.length - 1]?.sort_key ?? 0) + 1, change: { deleteIds } };
  if (after === null) return { firstSortKey: (kept[0]?.sort_key ?? 1) - count, change: { deleteIds } };
  return {
    firstSortKey: after.sort_key + 1,
    change: { deleteIds, shiftAfter: { sortKey: after.sort_key, id: after.id, by: count } },
  };
}

export type InsertResult = { firstSortKey: number; count: number };

/** Adds items (or source lines) after an item, at the top, at the end, or in place of others. */
export async function insertItems(context: SourceContext, request: AddWorksheetItemsRequest): Promise<InsertResult> {
  if ((request.items === undefined) === (request.source === undefined)) {
    throw new CodalabError("VALIDATION_FAILED", "give either items or source, not both and not neither");
  }
  if (request.source !== undefined) checkSourceSize(request.source);
  const { row } = await editable(context);
  if (request.version !== undefined && row.version !== request.version) {
    throw staleVersion(row.uuid, request.version, row.version);
  }
  const newItems =
    request.items !== undefined
      ? await typedItems(context, request.items)
      : await resolveSourceLines(context, parseSource(splitSourceLines(request.source ?? "")));
  if (newItems.length === 0) throw new CodalabError("VALIDATION_FAILED", "there is nothing to add");
  for (let attempt = 1; ; attempt += 1) {
    const current = attempt === 1 ? row : (await editable(context)).row;
    if (request.version !== undefined && current.version !== request.version) {
      throw staleVersion(row.uuid, request.version, current.version);
    }
    const items = await loadItems(context.db, row.uuid);
    const { firstSortKey, change } = placement(items, request, newItems.length, row.uuid);
    checkItemCount(items.length - (change.deleteIds?.length ?? 0) + newItems.length);
    const insert = { items: newItems, firstSortKey };
    if (await applyItemChange(context.db, row.uuid, current.version, { ...change, insert })) {
      return { firstSortKey, count: newItems.length };
    }
    if (request.version !== undefined || attempt >= MAX_ATTEMPTS) {
      const latest = await requireWorksheetAccess(context.db, context.caller, row.uuid, "all");
      throw staleVersion(row.uuid, request.version ?? current.version, latest.row.version);
    }
  }
}

/** Removes items (detach); the bundles themselves stay. */
export async function deleteItems(context: SourceContext, ids: readonly number[], version?: number): Promise<number[]> {
  const { row } = await editable(context);
  const expected = version ?? row.version;
  if (row.version !== expected) throw staleVersion(row.uuid, expected, row.version);
  const items = await loadItems(context.db, row.uuid);
  const unique = [...new Set(ids)];
  for (const id of unique) itemOf(items, id, row.uuid);
  if (!(await applyItemChange(context.db, row.uuid, expected, { deleteIds: unique }))) {
    const latest = await requireWorksheetAccess(context.db, context.caller, row.uuid, "all");
    throw staleVersion(row.uuid, expected, latest.row.version);
  }
  return unique;
}
