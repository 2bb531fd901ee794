/**
 * What a table or record cell shows. Cells are scalars, `{type: "dict"}` values built by the
 * `key`/`add` post-processors (with `path`: a link to that file of the bundle), pending file cells
 * still loading, or errors such as "Forbidden".
 */
import type { TableCell } from "@codalab/core/worksheet/blocks";
import { blobUrl } from "../api/bundles-api.ts";

export type CellView =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string; download: boolean }
  | { kind: "pending" }
  | { kind: "error"; text: string };

const UUID = /^0x[0-9a-f]{32}$/;

export function cellView(cell: TableCell | undefined, rowBundleUuid: string | undefined): CellView {
  if (cell === undefined || cell === null) return { kind: "text", text: "" };
  if (typeof cell !== "object") return { kind: "text", text: String(cell) };
  if (cell.type === "pending") return { kind: "pending" };
  if (cell.type === "error") return { kind: "error", text: cell.message };
  const value = cell.value;
  const uuid = typeof value.uuid === "string" && UUID.test(value.uuid) ? value.uuid : rowBundleUuid;
  const path = typeof value.path === "string" ? value.path.replace(/^\/+/, "") : undefined;
  const text = value.text ?? value.path ?? value.uuid;
  if (uuid !== undefined && path !== undefined) {
    return { kind: "link", text: String(text ?? path), href: blobUrl(uuid, path), download: true };
  }
  if (typeof value.uuid === "string" && UUID.test(value.uuid)) {
    return { kind: "link", text: String(text ?? value.uuid), href: `/bundles/${value.uuid}`, download: false };
  }
  return { kind: "text", text: JSON.stringify(value) };
}

/** Columns whose cells link to the row's bundle page, as in CodaLab's tables. */
export function linksToBundle(column: string): boolean {
  return column === "uuid" || column === "name";
}
