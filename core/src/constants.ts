/** Closed sets shared by the database columns, the wire schemas and the UI. */

export const BUNDLE_TYPES = ["dataset", "program", "make", "run"] as const;
export type BundleType = (typeof BUNDLE_TYPES)[number];

export const BUNDLE_STATES = [
  "created",
  "uploading",
  "staged",
  "making",
  "starting",
  "preparing",
  "running",
  "finalizing",
  "ready",
  "failed",
  "killed",
  "worker_offline",
] as const;
export type BundleState = (typeof BUNDLE_STATES)[number];

export const FINAL_STATES: readonly BundleState[] = ["ready", "failed", "killed"];
/** States in which a bundle may not be deleted (spec §3). */
export const ACTIVE_STATES: readonly BundleState[] = ["making", "starting", "preparing", "running", "finalizing"];

export const PERMISSION_LEVELS = ["none", "read", "all"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];
/** Numeric order of permission levels, as CodaLab stores them. */
export const PERMISSION_RANK: Record<PermissionLevel, number> = { none: 0, read: 1, all: 2 };

export const ITEM_TYPES = ["markup", "directive", "bundle", "worksheet"] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** The system group everyone belongs to. */
export const PUBLIC_GROUP_NAME = "public";

/** CodaLab's name rule for bundles, worksheets, users and groups. */
export const NAME_REGEX = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;
export const NAME_RULE_TEXT = "must start with a letter or _ and contain only letters, digits, _, . and -";

export const CLIENT_VERSION = "0.1.0";
export const API_VERSION = "0.1.0";
