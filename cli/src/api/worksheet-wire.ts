/**
 * Parsers for the worksheet endpoints' answers (docs/design/worksheets-api.md; the zod schemas in
 * core/src/api/worksheets.ts are the source of truth). Hand-written like bundle-wire.ts: loading
 * zod costs ~100 ms per `cl` run. Blocks are checked only as far as the CLI reads them (`mode`);
 * their shape is the server's core types.
 */
import { ITEM_TYPES, type ItemType } from "@codalab/core/constants";
import type { WorksheetBlock } from "@codalab/core/worksheet/blocks";
import {
  type JsonRecord,
  nullableNumberAt,
  nullableStringAt,
  numberAt,
  recordAt,
  ShapeError,
  stringAt,
} from "../parse/json-fields.ts";
import { listAt, parseBundle, type WireBundle, type WireGroupPermission } from "./bundle-wire.ts";

export type WireWorksheet = {
  uuid: string;
  name: string;
  title: string | null;
  owner_id: string | null;
  owner_name: string | null;
  frozen: number | null;
  is_anonymous: boolean;
  tags: string[];
  version: number;
  permission: string;
  group_permissions: WireGroupPermission[];
  raw: JsonRecord;
};

export type WireItem = {
  id: number;
  type: ItemType;
  bundle_uuid: string | null;
  subworksheet_uuid: string | null;
  value: string;
};

export function parseWorksheet(value: unknown, path = "worksheet"): WireWorksheet {
  const record = recordAt(value, path);
  return {
    uuid: stringAt(record, "uuid", path),
    name: stringAt(record, "name", path),
    title: nullableStringAt(record, "title", path),
    owner_id: nullableStringAt(record, "owner_id", path),
    owner_name: nullableStringAt(record, "owner_name", path),
    frozen: nullableNumberAt(record, "frozen", path),
    is_anonymous: record.is_anonymous === true,
    tags: listAt(record, "tags", path, (item, at) => {
      if (typeof item !== "string") throw new ShapeError(at, "a string");
      return item;
    }),
    version: numberAt(record, "version", path),
    permission: stringAt(record, "permission", path),
    group_permissions: listAt(record, "group_permissions", path, (item, at) => {
      const entry = recordAt(item, at);
      return {
        group_uuid: stringAt(entry, "group_uuid", at),
        group_name: stringAt(entry, "group_name", at),
        permission: stringAt(entry, "permission", at) as WireGroupPermission["permission"],
      };
    }),
    raw: record,
  };
}

function parseItem(value: unknown, path: string): WireItem {
  const record = recordAt(value, path);
  const type = stringAt(record, "type", path);
  const known = ITEM_TYPES.find((candidate) => candidate === type);
  if (known === undefined) throw new ShapeError(`${path}.type`, `one of ${ITEM_TYPES.join(", ")}`);
  return {
    id: numberAt(record, "id", path),
    type: known,
    bundle_uuid: nullableStringAt(record, "bundle_uuid", path),
    subworksheet_uuid: nullableStringAt(record, "subworksheet_uuid", path),
    value: stringAt(record, "value", path),
  };
}

/** `{worksheet}` from create and edit. */
export function parseWorksheetEnvelope(value: unknown): WireWorksheet {
  return parseWorksheet(recordAt(value, "response").worksheet, "response.worksheet");
}

/** `{worksheets: [...]}` from spec resolution and search. */
export function parseWorksheetList(value: unknown): WireWorksheet[] {
  return listAt(recordAt(value, "response"), "worksheets", "response", parseWorksheet);
}

export type WorksheetWithItems = { worksheet: WireWorksheet; items: WireItem[]; bundles: Map<string, WireBundle> };

/** `{worksheet, items, bundles?}` from `GET /rest/worksheets/<uuid>`. */
export function parseWorksheetWithItems(value: unknown): WorksheetWithItems {
  const body = recordAt(value, "response");
  const bundles = new Map<string, WireBundle>();
  if (body.bundles !== undefined) {
    for (const [uuid, bundle] of Object.entries(recordAt(body.bundles, "response.bundles"))) {
      bundles.set(uuid, parseBundle(bundle, `response.bundles.${uuid}`));
    }
  }
  return {
    worksheet: parseWorksheet(body.worksheet, "response.worksheet"),
    items: listAt(body, "items", "response", parseItem),
    bundles,
  };
}

export function parseSource(value: unknown): { version: number; source: string } {
  const body = recordAt(value, "response");
  return { version: numberAt(body, "version", "response"), source: stringAt(body, "source", "response") };
}

export function parseBlocks(value: unknown): WorksheetBlock[] {
  return listAt(recordAt(value, "response"), "blocks", "response", (item, at) => {
    const block = recordAt(item, at);
    stringAt(block, "mode", at);
    return block as unknown as WorksheetBlock;
  });
}
