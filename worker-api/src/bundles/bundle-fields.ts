/**
 * The metadata fields that are typed columns of `bundles` (spec §2.2, §2.3): which bundle types
 * have them, how values are typed on the wire, whether users may edit them, and which are hidden
 * on anonymous bundles. Serialization, editing and search all read this one table; any other key
 * is custom metadata in the JSON `metadata` column.
 */
import type { BundleType } from "@codalab/core";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { bundles } from "../db/schema.ts";

export type BundleRow = typeof bundles.$inferSelect;

/**
 * `text`/`int`/`real`/`bool`/`list` as stored; `size` (bytes) and `duration` (seconds) are integers
 * that users may write as `2g` or `3h`.
 */
export const FIELD_KINDS = ["text", "int", "real", "bool", "list", "size", "duration"] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** `always`: any time; `before_start`: while a run is created or staged (lock_after_start); `never`: generated. */
export type Editability = "always" | "before_start" | "never";

type ColumnProperty = {
  [K in keyof BundleRow & keyof typeof bundles]: (typeof bundles)[K] extends AnySQLiteColumn ? K : never;
}[keyof BundleRow & keyof typeof bundles];

export type BundleField = {
  key: string;
  property: ColumnProperty;
  kind: FieldKind;
  types: readonly BundleType[];
  editable: Editability;
  /** Hidden from callers without `all` on anonymous bundles (CodaLab's hide_when_anonymous). */
  hideWhenAnonymous?: boolean;
  /** Only admins see it (CodaLab's hidden fields). */
  adminOnly?: boolean;
  /** Nullable text that may be cleared with null. */
  nullable?: boolean;
};

const ALL: readonly BundleType[] = ["dataset", "program", "make", "run"];
const UPLOADED: readonly BundleType[] = ["dataset", "program"];
const DERIVED: readonly BundleType[] = ["make", "run"];
const RUN: readonly BundleType[] = ["run"];

export const BUNDLE_FIELDS: readonly BundleField[] = [
  { key: "name", property: "name", kind: "text", types: ALL, editable: "always" },
  { key: "description", property: "description", kind: "text", types: ALL, editable: "always" },
  { key: "tags", property: "tags", kind: "list", types: ALL, editable: "always" },
  { key: "created", property: "created", kind: "int", types: ALL, editable: "never" },
  { key: "data_size", property: "dataSize", kind: "int", types: ALL, editable: "never" },
  { key: "failure_message", property: "failureMessage", kind: "text", types: ALL, editable: "never" },
  { key: "error_traceback", property: "errorTraceback", kind: "text", types: ALL, editable: "never", adminOnly: true },
  { key: "license", property: "license", kind: "text", types: UPLOADED, editable: "always", nullable: true },
  { key: "source_url", property: "sourceUrl", kind: "text", types: UPLOADED, editable: "always", nullable: true },
  {
    key: "allow_failed_dependencies",
    property: "allowFailedDependencies",
    kind: "bool",
    types: DERIVED,
    editable: "before_start",
  },
  { key: "staged_status", property: "stagedStatus", kind: "text", types: DERIVED, editable: "never" },
  {
    key: "request_docker_image",
    property: "requestDockerImage",
    kind: "text",
    types: RUN,
    editable: "before_start",
    hideWhenAnonymous: true,
    nullable: true,
  },
  { key: "request_time", property: "requestTime", kind: "duration", types: RUN, editable: "before_start" },
  { key: "request_memory", property: "requestMemory", kind: "size", types: RUN, editable: "before_start" },
  { key: "request_disk", property: "requestDisk", kind: "size", types: RUN, editable: "before_start" },
  { key: "request_cpus", property: "requestCpus", kind: "int", types: RUN, editable: "before_start" },
  { key: "request_gpus", property: "requestGpus", kind: "int", types: RUN, editable: "before_start" },
  {
    key: "request_queue",
    property: "requestQueue",
    kind: "text",
    types: RUN,
    editable: "before_start",
    hideWhenAnonymous: true,
    nullable: true,
  },
  { key: "request_priority", property: "requestPriority", kind: "int", types: RUN, editable: "before_start" },
  { key: "request_network", property: "requestNetwork", kind: "bool", types: RUN, editable: "before_start" },
  { key: "exclude_patterns", property: "excludePatterns", kind: "list", types: RUN, editable: "before_start" },
  { key: "exitcode", property: "exitcode", kind: "int", types: RUN, editable: "never" },
  { key: "started", property: "started", kind: "int", types: RUN, editable: "never" },
  { key: "last_updated", property: "lastUpdated", kind: "int", types: RUN, editable: "never" },
  { key: "time", property: "time", kind: "real", types: RUN, editable: "never" },
  { key: "time_user", property: "timeUser", kind: "real", types: RUN, editable: "never" },
  { key: "time_system", property: "timeSystem", kind: "real", types: RUN, editable: "never" },
  { key: "memory", property: "memory", kind: "int", types: RUN, editable: "never" },
  { key: "memory_max", property: "memoryMax", kind: "int", types: RUN, editable: "never" },
  { key: "remote", property: "remote", kind: "text", types: RUN, editable: "never", hideWhenAnonymous: true },
  {
    key: "docker_image",
    property: "dockerImage",
    kind: "text",
    types: RUN,
    editable: "never",
    hideWhenAnonymous: true,
  },
  { key: "run_status", property: "runStatus", kind: "text", types: RUN, editable: "never" },
];

export const FIELDS_BY_KEY: ReadonlyMap<string, BundleField> = new Map(
  BUNDLE_FIELDS.map((field) => [field.key, field]),
);

/**
 * Generated fields kept in the JSON column rather than a typed one (spec §2.3); users cannot set
 * them either, and those CodaLab hides on anonymous bundles stay hidden.
 */
export const GENERATED_JSON_KEYS: ReadonlySet<string> = new Set([
  "actions",
  "time_preparing",
  "time_running",
  "time_cleaning_up",
  "time_uploading_results",
  "cpu_usage",
  "memory_usage",
  "job_handle",
  "remote_history",
  "on_preemptible_worker",
  "runtime",
]);
export const HIDDEN_WHEN_ANONYMOUS_JSON_KEYS: ReadonlySet<string> = new Set([
  "job_handle",
  "remote_history",
  "on_preemptible_worker",
]);

/** Keys that are bundle columns but not metadata; they can never be custom metadata keys. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  "uuid",
  "id",
  "bundle_type",
  "command",
  "state",
  "owner_id",
  "owner",
  "frozen",
  "is_anonymous",
  "is_dir",
  "dependencies",
  "metadata",
  "permission",
  "host_worksheet",
  "worksheet",
  "group",
  "dependency",
]);

/** The column behind a metadata key, whatever the bundle's type (search spans all types). */
export function fieldColumn(field: BundleField): AnySQLiteColumn {
  return bundles[field.property];
}
