/**
 * The contract between the worksheet interpreter (pure, in core) and the server that owns D1, R2
 * and permissions. The server implements `WorksheetDataAccess` for one caller; every answer is
 * already restricted to what that caller may see. The interpreter batches: one `bundles` call and
 * one `worksheets` call per interpretation, one call per search, and one read per distinct file.
 */
import type { BundleState, BundleType, ItemType, PermissionLevel } from "../constants.ts";
import type { JsonValue } from "./json-value.ts";

/** A worksheet item as stored (spec §5.1). Items synthesised from searches have id and sort_key null. */
export interface WorksheetItem {
  id: number | null;
  type: ItemType;
  bundle_uuid: string | null;
  subworksheet_uuid: string | null;
  /** Markup text; for directives the shell-quoted tokens after `%` (comments: `% '<text>'`). */
  value: string;
  sort_key: number | null;
}

export interface BundleDependency {
  /** The dependency key (`child_path` in CodaLab). */
  child_path: string;
  parent_uuid: string;
  parent_path: string;
  /** Null when the parent is unknown or unreadable. */
  parent_name: string | null;
  parent_state?: BundleState | null;
}

export interface GroupPermission {
  group_uuid: string;
  group_name: string;
  permission: PermissionLevel;
}

export interface HostWorksheet {
  uuid: string;
  name: string;
}

/** What the server knows about a bundle, as the caller may see it. */
export interface BundleInfo {
  uuid: string;
  bundle_type: BundleType;
  state: BundleState;
  command: string | null;
  /** Null for anonymous bundles the caller does not own. */
  owner_id: string | null;
  owner_name: string | null;
  is_anonymous: boolean;
  frozen: number | null;
  /** name, description, tags, created, data_size, time, request_*, and any user key. */
  metadata: Record<string, JsonValue>;
  dependencies: BundleDependency[];
  /** The caller's effective permission; "none" entries are masked as `<private>` by the interpreter. */
  permission: PermissionLevel;
  id?: number;
  state_details?: string | null;
  group_permissions?: GroupPermission[];
  host_worksheets?: HostWorksheet[];
}

/** Stand-in for a bundle the caller cannot read (`private`) or that does not exist (`invalid`). */
export interface MaskedBundleInfo {
  uuid: string;
  bundle_type: "private" | "invalid";
  metadata: { name: "<private>" | "<invalid>" };
}

/** Bundle infos as embedded in blocks. */
export type BlockBundleInfo = BundleInfo | MaskedBundleInfo;

export function isMaskedBundle(info: BlockBundleInfo): info is MaskedBundleInfo {
  return info.bundle_type === "private" || info.bundle_type === "invalid";
}

export interface WorksheetInfo {
  uuid: string;
  /** Null only for a sub-worksheet item whose worksheet no longer exists. */
  name: string | null;
  title: string | null;
  owner_name?: string | null;
  /** The caller's permission; "none" entries are shown as `<private>`. */
  permission?: PermissionLevel;
}

export type BundleSearchResult =
  | { type: "bundles"; bundles: BundleInfo[] }
  /** `.count`, `.sum`, possibly formatted by `.format=`. */
  | { type: "aggregate"; value: number | string };

export type ReadFileResult =
  | { type: "text"; text: string }
  | { type: "directory" }
  | { type: "not_found" }
  | { type: "forbidden" };

export type TargetStatus = "file" | "directory" | "not_found" | "forbidden";

export interface ReadLimits {
  maxLines: number;
  /** CodaLab reads at most 1 KiB per line for genpaths. */
  maxLineBytes: number;
}

export interface WorksheetDataAccess {
  /** Infos by uuid; a uuid missing from the map does not exist. */
  bundles(uuids: readonly string[]): Promise<ReadonlyMap<string, BundleInfo>>;
  /** Infos by uuid; a uuid missing from the map does not exist. */
  worksheets(uuids: readonly string[]): Promise<ReadonlyMap<string, WorksheetInfo>>;
  /** `% search` keywords (spec §5.6), readable bundles only. Throws CodalabError for bad keywords. */
  searchBundles(keywords: readonly string[]): Promise<BundleSearchResult>;
  /** `% wsearch` keywords, readable worksheets only. Throws CodalabError for bad keywords. */
  searchWorksheets(keywords: readonly string[]): Promise<WorksheetInfo[]>;
  /**
   * First lines of a file inside a bundle (`path` is normalized and bundle-relative, "" = the bundle
   * itself), decoded as UTF-8; the server checks read permission and follows dependency keys.
   */
  readFile(bundleUuid: string, path: string, limits: ReadLimits): Promise<ReadFileResult>;
  /** What `path` is inside the bundle, without reading it (images, html). */
  statTarget(bundleUuid: string, path: string): Promise<TargetStatus>;
}
