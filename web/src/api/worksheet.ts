/**
 * Worksheets and their interpretation as the API sends them (docs/design/worksheets-api.md). The
 * block shapes are core's (`worksheet/blocks.ts`); like bundles, only what the page relies on is
 * checked here rather than with core's zod schemas, which would multiply the page's JavaScript.
 */
import type { WorksheetItemJson, WorksheetJson } from "@codalab/core";
import { BLOCK_MODES, type BlockMode, type WorksheetBlock } from "@codalab/core/worksheet/blocks";
import { unexpectedResponse } from "./api-error.ts";
import { isRecord } from "./is-record.ts";

export type Worksheet = WorksheetJson;
export type WorksheetItem = WorksheetItemJson;

export type Interpretation = {
  worksheet: Worksheet;
  blocks: WorksheetBlock[];
  raw_to_block: ([number, number] | null)[];
  block_to_raw: Record<string, number>;
  source: string[];
};

const MODES: ReadonlySet<string> = new Set<BlockMode>(BLOCK_MODES);

export function parseWorksheet(value: unknown): Worksheet {
  if (
    !isRecord(value) ||
    typeof value.uuid !== "string" ||
    typeof value.name !== "string" ||
    typeof value.version !== "number" ||
    typeof value.permission !== "string"
  ) {
    throw unexpectedResponse(200, "a worksheet without uuid, name, version or permission");
  }
  return { ...value, tags: Array.isArray(value.tags) ? value.tags : [] } as Worksheet;
}

export function parseWorksheetEnvelope(body: unknown): Worksheet {
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return parseWorksheet(body.worksheet);
}

/** A block the page knows how to draw; an unknown mode is a contract break, reported as such. */
export function parseBlock(value: unknown): WorksheetBlock {
  if (!isRecord(value) || typeof value.mode !== "string" || !MODES.has(value.mode)) {
    throw unexpectedResponse(200, `a worksheet block of unknown kind (${isRecord(value) ? String(value.mode) : "?"})`);
  }
  if (!Array.isArray(value.ids) || !Array.isArray(value.sort_keys)) {
    throw unexpectedResponse(200, `a ${value.mode} without ids or sort_keys`);
  }
  return value as unknown as WorksheetBlock;
}

export function parseBlocks(value: unknown): WorksheetBlock[] {
  if (!Array.isArray(value)) throw unexpectedResponse(200, "blocks that are not a list");
  return value.map(parseBlock);
}

export function parseInterpretation(body: unknown): Interpretation {
  if (!isRecord(body) || !Array.isArray(body.source) || !Array.isArray(body.raw_to_block)) {
    throw unexpectedResponse(200, "an interpretation without source or raw_to_block");
  }
  return {
    worksheet: parseWorksheet(body.worksheet),
    blocks: parseBlocks(body.blocks),
    raw_to_block: body.raw_to_block as Interpretation["raw_to_block"],
    block_to_raw: isRecord(body.block_to_raw) ? (body.block_to_raw as Record<string, number>) : {},
    source: body.source.filter((line): line is string => typeof line === "string"),
  };
}

/** `?bundle_uuid=` answers: every block, null where it shows none of the asked bundles. */
export function parseLiveBlocks(body: unknown): (WorksheetBlock | null)[] {
  if (!isRecord(body) || !Array.isArray(body.blocks)) throw unexpectedResponse(200, "no blocks");
  return body.blocks.map((block) => (block === null ? null : parseBlock(block)));
}

export function parseItems(value: unknown): WorksheetItem[] {
  if (!Array.isArray(value)) throw unexpectedResponse(200, "items that are not a list");
  return value.map((item) => {
    if (!isRecord(item) || typeof item.id !== "number" || typeof item.type !== "string") {
      throw unexpectedResponse(200, "an item without id or type");
    }
    return item as WorksheetItem;
  });
}

/** The title to show: the title, else the name. */
export function worksheetTitle(worksheet: Pick<Worksheet, "title" | "name">): string {
  return worksheet.title !== null && worksheet.title.trim() !== "" ? worksheet.title : worksheet.name;
}
