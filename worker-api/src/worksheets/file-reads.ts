/**
 * Reading the first lines of a file inside a bundle for the interpreter (genpath cells, contents
 * and graph blocks): one ranged R2 read per file, covering the tar header (checked against the
 * index, as every contents read is) and at most `maxLines × maxLineBytes` bytes of data, cut at
 * line boundaries as CodaLab's `summarize_file` does. Running bundles are read from their worker.
 */
import {
  CodalabError,
  entryHeaderRange,
  FINAL_STATES,
  type ReadFileResult,
  type ReadLimits,
  type TargetStatus,
  verifyEntryAgainstHeader,
} from "@codalab/core";
import { resolveContentsTarget } from "../bundles/bundle-contents.ts";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { summarizeFile } from "../bundles/summarize-file.ts";
import { isLiveBundle, readLive } from "../runs/live-read.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import { fileHeadCache, fileHeadKey } from "../storage/file-head-cache.ts";

function summaryOptions(limits: ReadLimits) {
  return { head: limits.maxLines, tail: 0, maxLineLength: limits.maxLineBytes, truncationText: "" };
}

/** The first bytes of the data that the summary needs, from one read; the header is verified first. */
async function readHead(store: BundleStore, row: BundleRow, path: string, limits: ReadLimits): Promise<ReadFileResult> {
  const target = await resolveContentsTarget(store, row, path);
  if (target.kind === "directory") return { type: "directory" };
  if (target.kind === "link") throw new CodalabError("INVALID_PATH", `${path} is a symbolic link`);
  const size = target.kind === "file_bundle" ? target.size : target.entry.size;
  const wanted = Math.min(size, limits.maxLines * limits.maxLineBytes);
  let data: Uint8Array;
  if (target.kind === "file_bundle") {
    data = await store.readBytes(target.key, 0, wanted);
  } else {
    const header = entryHeaderRange(target.entry);
    const bytes = await store.readBytes(target.key, header.offset, header.length + wanted);
    verifyEntryAgainstHeader(target.entry, bytes.subarray(0, header.length));
    data = bytes.subarray(header.length);
  }
  const text = await summarizeFile(
    async (offset, length) => data.subarray(offset, offset + length),
    size,
    summaryOptions(limits),
  );
  return { type: "text", text };
}

async function liveStatus(env: Env, row: BundleRow, path: string): Promise<"file" | "directory" | "link"> {
  const response = await readLive(env, row, { kind: "info", path, depth: 0 });
  const { info } = (await response.json()) as { info: { type: "file" | "directory" | "link" } };
  return info.type;
}

/** A running bundle's worker may be unreachable for a moment: the cell shows nothing rather than failing the page. */
function liveUnavailable(error: unknown): boolean {
  return error instanceof CodalabError && (error.code === "UNAVAILABLE" || error.code === "GATEWAY_TIMEOUT");
}

export async function readBundleFile(
  env: Env,
  store: BundleStore,
  row: BundleRow,
  path: string,
  limits: ReadLimits,
): Promise<ReadFileResult> {
  // Contents of a bundle in a final state never change; `rm --data-only` sets is_dir to null.
  if (FINAL_STATES.includes(row.state) && row.isDir !== null) {
    const key = fileHeadKey(row.uuid, path, limits);
    const cached = fileHeadCache.get(key);
    if (cached !== undefined) return cached;
    const read = await readHead(store, row, path, limits);
    if (read.type === "text" || read.type === "directory") fileHeadCache.set(key, read);
    return read;
  }
  if (!isLiveBundle(row)) return readHead(store, row, path, limits);
  try {
    const type = await liveStatus(env, row, path);
    if (type === "directory") return { type: "directory" };
    if (type === "link") return { type: "not_found" };
    const response = await readLive(env, row, {
      kind: "blob",
      path,
      format: "tar",
      head: limits.maxLines,
      tail: 0,
      max_line_length: limits.maxLineBytes,
      truncation_text: "",
    });
    return { type: "text", text: await response.text() };
  } catch (error) {
    if (liveUnavailable(error)) return { type: "not_found" };
    throw error;
  }
}

export async function statBundleTarget(
  env: Env,
  store: BundleStore,
  row: BundleRow,
  path: string,
): Promise<TargetStatus> {
  try {
    if (isLiveBundle(row)) {
      const type = await liveStatus(env, row, path);
      return type === "directory" ? "directory" : type === "file" ? "file" : "not_found";
    }
    const target = await resolveContentsTarget(store, row, path);
    if (target.kind === "directory") return "directory";
    return target.kind === "link" ? "not_found" : "file";
  } catch (error) {
    if (liveUnavailable(error)) return "not_found";
    throw error;
  }
}
