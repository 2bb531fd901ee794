/**
 * The text of `cl info` (CodaLab's print_basic_info and the `-v` sections): `key: value` lines
 * with keys padded to 26 columns, `<none>` for missing values, Python's spelling of booleans.
 */
import { formatDate } from "@codalab/core/format/date";
import { formatDuration } from "@codalab/core/format/duration";
import { formatSize } from "@codalab/core/format/size";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { WireBundle } from "../api/bundle-wire.ts";
import { type MetadataFormat, metadataSpecsFor } from "./metadata-specs.ts";

export function keyValueLine(key: string, value: string | null): string {
  return `${key.padEnd(26)}: ${value ?? "<none>"}`;
}

/** Python's `str()` of a JSON value, which is how CodaLab prints metadata. */
export function pythonStr(value: JsonValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

export function applyFormat(format: MetadataFormat | undefined, value: JsonValue): JsonValue {
  if (format === undefined || typeof value !== "number") return value;
  if (format === "date") return formatDate(value);
  if (format === "size") return formatSize(value);
  return formatDuration(value);
}

/** Metadata as CodaLab keeps it: `created` and `data_size` are bundle columns on our wire. */
export function metadataOf(bundle: WireBundle): Record<string, JsonValue> {
  const metadata: Record<string, JsonValue> = { ...bundle.metadata };
  if (!Object.hasOwn(metadata, "created") && bundle.created !== null) metadata.created = bundle.created;
  if (!Object.hasOwn(metadata, "data_size") && bundle.data_size !== null) metadata.data_size = bundle.data_size;
  return metadata;
}

export function ownerText(bundle: WireBundle): string {
  if (bundle.owner_id === null && bundle.owner_name === null) return "<anonymous>";
  if (bundle.owner_name === null) return `<anonymous>(${bundle.owner_id})`;
  return `${bundle.owner_name}(${bundle.owner_id ?? ""})`;
}

/** `-r`: values as stored (no date/size rendering) and empty standard fields listed too. */
export function basicInfoLines(bundle: WireBundle, options: { raw: boolean }): string[] {
  const lines: string[] = [];
  const fields: [string, JsonValue][] = [
    ["bundle_type", bundle.bundle_type],
    ["uuid", bundle.uuid],
    ["state", bundle.state],
    ["command", bundle.command],
    ["frozen", typeof bundle.frozen === "number" && !options.raw ? formatDate(bundle.frozen) : bundle.frozen],
    ["is_anonymous", bundle.is_anonymous],
  ];
  for (const [key, value] of fields) lines.push(keyValueLine(key, value === null ? null : pythonStr(value)));
  lines.push(keyValueLine("owner", ownerText(bundle)));

  const metadata = metadataOf(bundle);
  const specs = metadataSpecsFor(bundle.bundle_type);
  for (const spec of specs) {
    if (spec.hidden) continue;
    const present = Object.hasOwn(metadata, spec.key);
    const value = present ? (metadata[spec.key] ?? null) : null;
    if (options.raw) {
      lines.push(keyValueLine(spec.key, value === null ? null : pythonStr(value)));
      continue;
    }
    // The server sends every field of the type; unset ones (null, "", []) are not shown.
    if (!present || value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    const formatted = applyFormat(spec.format, value);
    lines.push(
      keyValueLine(spec.key, Array.isArray(formatted) ? formatted.map(pythonStr).join(" ") : pythonStr(formatted)),
    );
  }
  const standard = new Set(specs.map((spec) => spec.key));
  for (const [key, value] of Object.entries(metadata)) {
    if (standard.has(key) || (value === null && !options.raw)) continue;
    lines.push(keyValueLine(key, value === null ? null : pythonStr(value)));
  }
  if (bundle.dependencies.length > 0) {
    lines.push("dependencies:");
    for (const dependency of bundle.dependencies) {
      const parent = `${dependency.parent_name ?? ""}(${dependency.parent_uuid})`;
      const path = dependency.parent_path ? `${parent}/${dependency.parent_path}` : parent;
      lines.push(`  ${dependency.child_path}: ${path}`);
    }
  }
  return lines;
}

/** The `-v` sections before the contents preview: children, host worksheets, permissions. */
export function verboseInfoLines(bundle: WireBundle): string[] {
  const lines = ["children:"];
  for (const child of bundle.children ?? []) lines.push(`  ${child.name ?? ""}(${child.uuid})`);
  lines.push("host_worksheets:");
  for (const worksheet of bundle.host_worksheets ?? []) lines.push(`  ${worksheet.name ?? ""}(${worksheet.uuid})`);
  lines.push(`permission: ${bundle.permission ?? "<none>"}`);
  lines.push("group_permissions:");
  const groups = bundle.group_permissions ?? [];
  lines.push(
    `  ${groups.length === 0 ? "-" : groups.map((g) => `${g.group_name}(${g.group_uuid.slice(0, 8)}):${g.permission}`).join(",")}`,
  );
  return lines;
}
