/**
 * Reading bundle contents (spec §9.3): target info, file bytes streamed to stdout, and the
 * directory listing `cl cat` and `cl info -v` print (CodaLab's print_target_info).
 */
import { formatSize } from "@codalab/core/format/size";
import type { ApiClient, HttpResponse, QueryValue } from "../api/api-client.ts";
import type { WireBundle } from "../api/bundle-wire.ts";
import { parseTargetInfoEnvelope, type TargetInfo } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { CodalabError } from "../core-light.ts";
import { CliError } from "../errors/cli-error.ts";
import type { Output } from "../output/output.ts";
import { renderTable } from "../output/table.ts";
import { contentsPath } from "./resolve-bundles.ts";

/** Target info `depth` levels deep, or null when nothing is at that path. */
export async function fetchTargetInfo(
  client: ApiClient,
  uuid: string,
  subpath: string,
  depth: number,
): Promise<TargetInfo | null> {
  const path = contentsPath(uuid, "info", subpath);
  try {
    const body = await client.get(path, { query: { depth } });
    return parseResponse(`GET ${path}`, body, parseTargetInfoEnvelope);
  } catch (error) {
    if (error instanceof CodalabError && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

/** Set on every contents/blob answer: "file" or "directory". */
export const TARGET_TYPE_HEADER = "x-codalab-target-type";

/** The bytes of a file (or a directory's tar), unread. */
export function openBlob(
  client: ApiClient,
  uuid: string,
  subpath: string,
  query: Record<string, QueryValue> = {},
): Promise<HttpResponse> {
  return client.open("GET", contentsPath(uuid, "blob", subpath), { query });
}

/** Copies a response body to stdout as it arrives. */
export async function pipeToOutput(response: HttpResponse, out: Output): Promise<void> {
  const body = response.body;
  if (body === null) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await out.bytes(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/** Why `cl cat` / `cl download` found nothing: no contents at all yet, or no such path inside. */
export function missingTarget(bundle: WireBundle, subpath: string): CliError {
  if (subpath === "") {
    return new CliError("NOT_FOUND", `bundle ${bundle.uuid} has no contents (it is ${bundle.state})`, {
      hint:
        bundle.state === "uploading"
          ? "its upload has not finished: run the same `cl upload` again to resume it"
          : `see \`cl info ${bundle.uuid}\` for its state`,
    });
  }
  return new CliError("NOT_FOUND", `target '${subpath}' doesn't exist in bundle ${bundle.uuid}`, {
    hint: `list what is there with \`cl cat ${bundle.uuid}\``,
  });
}

function sizeCell(entry: TargetInfo): string {
  if (entry.type === "file") return formatSize(entry.size);
  return entry.type === "directory" ? "dir" : entry.type;
}

/** name / perm / size, sorted by name, links as `name -> target`. */
export function directoryListing(info: TargetInfo): string[] {
  const rows = (info.contents ?? []).map((entry) => ({
    name: entry.link === null ? entry.name : `${entry.name} -> ${entry.link}`,
    perm: entry.perm === null ? "" : `0o${entry.perm.toString(8)}`,
    size: sizeCell(entry),
  }));
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return renderTable(["name", "perm", "size"], rows, { rightAlign: ["size"] });
}

/**
 * Prints a target as `cl cat` does: a file's bytes (`head`/`tail` lines when given), a directory
 * listing, or ` -> target` for a link. Returns the info, or null (after printing `<none>`) when
 * nothing is there.
 */
export async function printTarget(
  out: Output,
  client: ApiClient,
  uuid: string,
  subpath: string,
  lines: { head?: number; tail?: number } = {},
): Promise<TargetInfo | null> {
  const info = await fetchTargetInfo(client, uuid, subpath, 1);
  if (info === null) {
    out.line("<none>");
    return null;
  }
  if (info.type === "file") {
    await pipeToOutput(await openBlob(client, uuid, subpath, { head: lines.head, tail: lines.tail }), out);
  } else if (info.type === "directory") {
    for (const line of directoryListing(info)) out.line(line);
  } else {
    out.line(` -> ${info.link ?? ""}`);
  }
  return info;
}
