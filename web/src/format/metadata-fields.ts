/**
 * How the bundle page shows and edits metadata (spec §2.2–2.3): which fields a user may change
 * (always, or only before a run starts) and how each value reads (sizes, durations, dates). The
 * server enforces the same rules (worker-api/src/bundles/bundle-fields.ts); this only decides
 * which inputs to offer.
 */
import type { BundleType } from "@codalab/core/constants";
import { formatDateTime } from "./format-date.ts";
import { formatDuration } from "./format-duration.ts";
import { formatSize } from "./format-size.ts";

export type EditableField = {
  key: string;
  label: string;
  input: "text" | "textarea" | "tags" | "bool";
  /** Run requests may only change while the run waits (created or staged). */
  beforeStart: boolean;
  types: readonly BundleType[];
};

const ALL: readonly BundleType[] = ["dataset", "program", "make", "run"];
const UPLOADED: readonly BundleType[] = ["dataset", "program"];
const RUN: readonly BundleType[] = ["run"];

export const EDITABLE_FIELDS: readonly EditableField[] = [
  { key: "name", label: "Name", input: "text", beforeStart: false, types: ALL },
  { key: "description", label: "Description", input: "textarea", beforeStart: false, types: ALL },
  { key: "tags", label: "Tags", input: "tags", beforeStart: false, types: ALL },
  { key: "license", label: "License", input: "text", beforeStart: false, types: UPLOADED },
  { key: "source_url", label: "Source URL", input: "text", beforeStart: false, types: UPLOADED },
  { key: "request_docker_image", label: "Docker image", input: "text", beforeStart: true, types: RUN },
  { key: "request_time", label: "Time limit", input: "text", beforeStart: true, types: RUN },
  { key: "request_memory", label: "Memory", input: "text", beforeStart: true, types: RUN },
  { key: "request_disk", label: "Disk", input: "text", beforeStart: true, types: RUN },
  { key: "request_cpus", label: "CPUs", input: "text", beforeStart: true, types: RUN },
  { key: "request_gpus", label: "GPUs", input: "text", beforeStart: true, types: RUN },
  { key: "request_queue", label: "Queue", input: "text", beforeStart: true, types: RUN },
  { key: "request_priority", label: "Priority", input: "text", beforeStart: true, types: RUN },
  { key: "request_network", label: "Network access", input: "bool", beforeStart: true, types: RUN },
];

/** The fields this user may edit on this bundle now. */
export function editableFields(type: BundleType, state: string, permission: string, frozen: boolean): EditableField[] {
  if (permission !== "all" || frozen) return [];
  const waiting = state === "created" || state === "staged";
  return EDITABLE_FIELDS.filter((field) => field.types.includes(type) && (!field.beforeStart || waiting));
}

const SIZES = new Set(["data_size", "request_memory", "request_disk", "memory", "memory_max"]);
const DURATIONS = new Set([
  "time",
  "request_time",
  "time_user",
  "time_system",
  "time_preparing",
  "time_running",
  "time_cleaning_up",
  "time_uploading_results",
]);
const DATES = new Set(["created", "started", "last_updated"]);

/** A metadata value as the page shows it; "" for unset. */
export function formatMetadataValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "number") {
    if (SIZES.has(key)) return formatSize(value);
    if (DURATIONS.has(key)) return formatDuration(value);
    if (DATES.has(key)) return formatDateTime(value);
    return String(value);
  }
  if (Array.isArray(value)) return value.join(" ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Metadata keys shown in their own sections of the bundle page rather than the generic list. */
export const SHOWN_ELSEWHERE: ReadonlySet<string> = new Set([
  "name",
  "description",
  "tags",
  "created",
  "data_size",
  "failure_message",
  "staged_status",
  "run_status",
]);

/** The edit form's text for a value (tags space-separated, numbers as stored). */
export function inputValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(" ");
  return String(value);
}
