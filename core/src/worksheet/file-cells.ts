/**
 * Resolving file-genpath cells (`/stats.json:train/acc`). CodaLab's web first gets tables with
 * these cells unresolved and fills them with a second request (`/interpret/genpath-table-contents`)
 * so a page paints fast; the one-pass mode calls the same function before answering. Each distinct
 * file is read once per call however many cells use it.
 */
import { CodalabError } from "../errors.ts";
import type { FileCellRequest, RecordBlock, ResolvedCell, TableBlock, TableCell } from "./blocks.ts";
import type { ReadFileResult, TargetStatus, WorksheetDataAccess } from "./data-access.ts";
import { MAX_GENPATH_LINE_BYTES, MAX_GENPATH_LINES, parseFileValue, selectKeyPath } from "./file-value.ts";
import { isFileGenpath, parseFileGenpath } from "./genpath.ts";
import type { JsonValue } from "./json-value.ts";
import { applyPostProcessor } from "./post-process.ts";
import { FORBIDDEN_CELL, isPendingCell, toCell } from "./table-cells.ts";

type FileRead = { type: "value"; value: JsonValue } | { type: "error"; cell: ResolvedCell };

export type FileReader = Pick<WorksheetDataAccess, "readFile">;

/** Values for `requests`, in order. Unreadable files give null (then post-processed) or an error cell. */
export async function resolveFileCells(
  requests: readonly FileCellRequest[],
  access: FileReader,
): Promise<ResolvedCell[]> {
  const cache = new Map<string, Promise<FileRead>>();
  return Promise.all(requests.map((request) => resolveOne(request, access, cache)));
}

async function resolveOne(
  request: FileCellRequest,
  access: FileReader,
  cache: Map<string, Promise<FileRead>>,
): Promise<ResolvedCell> {
  if (!isFileGenpath(request.genpath)) return { type: "error", message: `Not file genpath: ${request.genpath}` };
  let target: { subpath: string; key: string | null };
  try {
    target = parseFileGenpath(request.genpath);
  } catch (error) {
    if (error instanceof CodalabError) return { type: "error", message: error.message };
    throw error;
  }
  const cacheKey = `${request.bundle_uuid}\u0000${target.subpath}`;
  let read = cache.get(cacheKey);
  if (read === undefined) {
    read = readValue(access, request.bundle_uuid, target.subpath);
    cache.set(cacheKey, read);
  }
  const file = await read;
  if (file.type === "error") return file.cell;
  return toCell(applyPostProcessor(request.post, selectKeyPath(file.value, target.key)));
}

async function readValue(access: FileReader, bundleUuid: string, subpath: string): Promise<FileRead> {
  const result = await readFileSafely(access, bundleUuid, subpath, {
    maxLines: MAX_GENPATH_LINES,
    maxLineBytes: MAX_GENPATH_LINE_BYTES,
  });
  switch (result.type) {
    case "forbidden":
      return { type: "error", cell: FORBIDDEN_CELL };
    case "text": {
      const parsed = parseFileValue(result.text);
      return parsed.ok
        ? { type: "value", value: parsed.value }
        : { type: "error", cell: { type: "error", message: parsed.error } };
    }
    default:
      return { type: "value", value: null };
  }
}

/**
 * The CodalabErrors a server may throw instead of answering, as the answer they stand for. Other
 * errors (storage down) propagate: they are not a property of the worksheet.
 */
function refusal(error: unknown): "forbidden" | "not_found" {
  if (error instanceof CodalabError && (error.code === "FORBIDDEN" || error.code === "UNAUTHENTICATED")) {
    return "forbidden";
  }
  if (error instanceof CodalabError && (error.code === "NOT_FOUND" || error.code === "INVALID_PATH")) {
    return "not_found";
  }
  throw error;
}

/** `readFile` with permission and not-found errors turned into results. */
export async function readFileSafely(
  access: FileReader,
  bundleUuid: string,
  subpath: string,
  limits: { maxLines: number; maxLineBytes: number },
): Promise<ReadFileResult> {
  try {
    return await access.readFile(bundleUuid, subpath, limits);
  } catch (error) {
    return { type: refusal(error) };
  }
}

/** `statTarget` with permission and not-found errors turned into results. */
export async function statTargetSafely(
  access: Pick<WorksheetDataAccess, "statTarget">,
  bundleUuid: string,
  subpath: string,
): Promise<TargetStatus> {
  try {
    return await access.statTarget(bundleUuid, subpath);
  } catch (error) {
    return refusal(error);
  }
}

type CellBlock = TableBlock | RecordBlock;

/** Where a pending cell sits: row index and column name (always "value" in a record block). */
export interface PendingCellLocation {
  row: number;
  column: string;
  request: FileCellRequest;
}

export function pendingCellsOf(block: CellBlock): PendingCellLocation[] {
  const found: PendingCellLocation[] = [];
  const add = (row: number, column: string, cell: TableCell) => {
    if (isPendingCell(cell)) {
      found.push({ row, column, request: { bundle_uuid: cell.bundle_uuid, genpath: cell.genpath, post: cell.post } });
    }
  };
  if (block.mode === "record_block") {
    block.rows.forEach((row, index) => {
      add(index, "value", row.value);
    });
  } else {
    block.rows.forEach((row, index) => {
      for (const [column, cell] of Object.entries(row)) add(index, column, cell);
    });
  }
  return found;
}

/** Reads every pending cell of these blocks (one read per distinct file) and writes the values in place. */
export async function fillPendingCells(blocks: readonly CellBlock[], access: FileReader): Promise<void> {
  const located = blocks.map((block) => ({ block, cells: pendingCellsOf(block) }));
  const values = await resolveFileCells(
    located.flatMap(({ cells }) => cells.map((cell) => cell.request)),
    access,
  );
  let next = 0;
  for (const { block, cells } of located) {
    for (const { row, column } of cells) {
      const value = values[next++] ?? null;
      if (block.mode === "record_block") {
        const record = block.rows[row];
        if (record) record.value = value;
      } else {
        const tableRow = block.rows[row];
        if (tableRow)
          Object.defineProperty(tableRow, column, { value, enumerable: true, writable: true, configurable: true });
      }
    }
  }
}
