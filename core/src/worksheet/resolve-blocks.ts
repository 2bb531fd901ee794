/**
 * Step 3 of interpretation: reads what blocks show from bundle files: file-genpath cells (unless
 * deferred to the web's second request), contents lines, graph points, and whether image/html
 * targets exist. Everything runs concurrently; each distinct file is read once for the cells.
 */
import {
  type BundleBlock,
  type ContentsBlock,
  type FetchStatus,
  fetchStatus,
  type GraphBlock,
  type HtmlBlock,
  type ImageBlock,
  type RecordBlock,
  readyStatus,
  type TableBlock,
  type WorksheetBlock,
} from "./blocks.ts";
import type { BlockBundleInfo, ReadFileResult, TargetStatus, WorksheetDataAccess } from "./data-access.ts";
import { fillPendingCells, pendingCellsOf, readFileSafely, resolveFileCells, statTargetSafely } from "./file-cells.ts";
import { MAX_GENPATH_LINE_BYTES, splitLines } from "./file-value.ts";
import type { GraphName } from "./fold-blocks.ts";
import { cellText } from "./table-cells.ts";

export async function resolveBlocks(
  blocks: readonly WorksheetBlock[],
  graphNames: readonly GraphName[],
  access: WorksheetDataAccess,
  fileCells: "fill" | "defer",
): Promise<void> {
  const included = new Set<WorksheetBlock>(blocks);
  const cellBlocks = blocks.filter(
    (block): block is TableBlock | RecordBlock => block.mode === "table_block" || block.mode === "record_block",
  );
  const work: Promise<void>[] = [];
  if (fileCells === "fill") {
    work.push(
      fillPendingCells(cellBlocks, access).then(() => {
        for (const block of cellBlocks) block.status = readyStatus();
      }),
    );
  } else {
    for (const block of cellBlocks) {
      block.status = fetchStatus(pendingCellsOf(block).length > 0 ? "briefly_loaded" : "ready");
    }
  }
  for (const block of blocks) {
    if (block.mode === "contents_block") work.push(resolveContents(block, access));
    else if (block.mode === "image_block" || block.mode === "html_block") work.push(resolveTarget(block, access));
    else if (block.mode === "graph_block") work.push(resolveGraph(block, access));
  }
  const names = graphNames.filter((name) => included.has(name.block));
  if (names.length > 0) {
    work.push(
      resolveFileCells(
        names.map((name) => name.request),
        access,
      ).then((values) => {
        names.forEach((name, index) => {
          const trajectory = name.block.trajectories[name.trajectory];
          if (trajectory) trajectory.display_name = cellText(values[index] ?? null);
        });
      }),
    );
  }
  await Promise.all(work);
}

function firstInfo(block: BundleBlock): BlockBundleInfo | undefined {
  return block.bundles_spec.bundle_infos[0];
}

function statusOfRead(result: ReadFileResult | TargetStatus): FetchStatus {
  const type = typeof result === "string" ? result : result.type;
  if (type === "forbidden") return fetchStatus("no_permission");
  if (type === "not_found") return fetchStatus("not_found");
  return readyStatus();
}

async function resolveContents(block: ContentsBlock, access: WorksheetDataAccess) {
  const info = firstInfo(block);
  if (info === undefined || info.bundle_type === "private") {
    block.status = fetchStatus("no_permission");
    return;
  }
  const result = await readFileSafely(access, info.uuid, block.target_genpath, {
    maxLines: block.max_lines,
    maxLineBytes: MAX_GENPATH_LINE_BYTES,
  });
  block.status = statusOfRead(result);
  if (result.type === "directory") block.lines = ["<directory>"];
  else if (result.type === "text")
    block.lines = result.text.includes("\0") ? ["<binary file>"] : splitLines(result.text, block.max_lines);
}

async function resolveTarget(block: ImageBlock | HtmlBlock, access: WorksheetDataAccess) {
  const info = firstInfo(block);
  if (info === undefined || info.bundle_type === "private") {
    block.status = fetchStatus("no_permission");
    return;
  }
  const status = await statTargetSafely(access, info.uuid, block.target_genpath);
  block.status = status === "directory" ? fetchStatus("not_found", "is a directory") : statusOfRead(status);
}

async function resolveGraph(block: GraphBlock, access: WorksheetDataAccess) {
  await Promise.all(
    block.trajectories.map(async (trajectory, index) => {
      const info = block.bundles_spec.bundle_infos[index];
      if (info === undefined || info.bundle_type === "private" || info.bundle_type === "invalid") return;
      const result = await readFileSafely(access, trajectory.bundle_uuid, trajectory.target_genpath, {
        maxLines: block.max_lines,
        maxLineBytes: MAX_GENPATH_LINE_BYTES,
      });
      if (result.type === "text" && !result.text.includes("\0")) {
        trajectory.points = splitLines(result.text, block.max_lines).map((line) => line.split("\t"));
      }
    }),
  );
  block.status = readyStatus();
}
