/**
 * Bundle rows as the state machine sees them (every metadata field, typed columns and JSON keys
 * alike), and a metadata patch back as SQL: typed columns are set one by one and JSON keys merged
 * into the `metadata` column with `json_patch`, so a transition never overwrites keys it did not
 * change (a concurrent edit of another key survives).
 */
import type { MachineBundle } from "@codalab/core";
import { BUNDLE_FIELDS, type BundleRow, FIELDS_BY_KEY, fieldColumn } from "../bundles/bundle-fields.ts";

export function machineMetadata(row: BundleRow): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...row.metadata };
  for (const field of BUNDLE_FIELDS) {
    if (field.types.includes(row.bundleType)) metadata[field.key] = row[field.property];
  }
  return metadata;
}

export function machineBundle(row: BundleRow, workerId: string | null): MachineBundle {
  return { bundle_type: row.bundleType, state: row.state, worker_id: workerId, metadata: machineMetadata(row) };
}

export type MetadataSql = {
  /** `column = ?` assignments. */
  assignments: string[];
  params: unknown[];
};

function columnValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Array.isArray(value) || (typeof value === "object" && value !== null)) return JSON.stringify(value);
  return value ?? null;
}

/** SQL assignments for a metadata patch (`null` clears a column or removes a JSON key). */
export function metadataAssignments(changes: Readonly<Record<string, unknown>>): MetadataSql {
  const sql: MetadataSql = { assignments: [], params: [] };
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    const field = FIELDS_BY_KEY.get(key);
    if (field === undefined) {
      patch[key] = value;
      continue;
    }
    sql.assignments.push(`${fieldColumn(field).name} = ?`);
    sql.params.push(columnValue(value));
  }
  if (Object.keys(patch).length > 0) {
    sql.assignments.push("metadata = json_patch(metadata, ?)");
    sql.params.push(JSON.stringify(patch));
  }
  return sql;
}
