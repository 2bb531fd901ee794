/**
 * Interpreted worksheet blocks (spec §5.7): what the web app renders and `cl print` prints.
 * Fields are snake_case as in CodaLab's JSON. Every block carries `ids` and `sort_keys` of the
 * worksheet items it came from (parallel to its rows or bundles) so the editor can insert after
 * or delete them; items synthesised from searches have null ids and sort keys.
 */
import type { BlockBundleInfo, WorksheetInfo } from "./data-access.ts";
import type { JsonScalar } from "./json-value.ts";

export const FETCH_STATUS_CODES = [
  "unknown",
  "pending",
  "briefly_loaded",
  "ready",
  "not_found",
  "no_permission",
] as const;
export type FetchStatusCode = (typeof FETCH_STATUS_CODES)[number];

export interface FetchStatus {
  code: FetchStatusCode;
  error_message: string;
}

export const BLOCK_MODES = [
  "markup_block",
  "table_block",
  "record_block",
  "contents_block",
  "image_block",
  "html_block",
  "graph_block",
  "schema_block",
  "subworksheets_block",
  "placeholder_block",
] as const;
export type BlockMode = (typeof BLOCK_MODES)[number];

/** The bundles a block shows (CodaLab's `uuid_spec` bundles spec). */
export interface BundlesSpec {
  spec_type: "uuid_spec";
  uuid_spec: string[];
  bundle_infos: BlockBundleInfo[];
  fetch_status: FetchStatus;
}

/** A file-genpath cell not read yet (brief mode): send it to the file-cells endpoint. */
export interface FileCellRequest {
  bundle_uuid: string;
  genpath: string;
  post: string | null;
}
export interface PendingCell extends FileCellRequest {
  type: "pending";
}
/** Built by the `key`/`add` post-processors; with a `path` key the web renders a link into the bundle. */
export interface DictCell {
  type: "dict";
  value: Record<string, JsonScalar>;
}
/** A file genpath that could not be read: "Forbidden", "binary file", "invalid path". */
export interface ErrorCell {
  type: "error";
  message: string;
}
/** Scalars display as text (null as empty); nested file values arrive JSON-encoded as strings. */
export type TableCell = JsonScalar | DictCell | PendingCell | ErrorCell;
export type ResolvedCell = Exclude<TableCell, PendingCell>;

interface BlockOrigin {
  ids: (number | null)[];
  sort_keys: (number | null)[];
}

export interface MarkupBlock extends BlockOrigin {
  mode: "markup_block";
  text: string;
  /** True for "Error in source line N: …" and other error text. */
  error: boolean;
}

export interface TableBlock extends BlockOrigin {
  mode: "table_block";
  bundles_spec: BundlesSpec;
  status: FetchStatus;
  header: string[];
  /** One row per bundle, keyed by header name. */
  rows: Record<string, TableCell>[];
  /** Source line index (0-based item index) of the first bundle. */
  first_bundle_source_index: number;
  using_schemas: string[];
}

export interface RecordRow {
  /** The column name (CodaLab appended ":"; renderers add it). */
  key: string;
  value: TableCell;
}

export interface RecordBlock extends BlockOrigin {
  mode: "record_block";
  bundles_spec: BundlesSpec;
  status: FetchStatus;
  header: ["key", "value"];
  rows: RecordRow[];
  first_bundle_source_index: number;
  using_schemas: string[];
}

export interface ContentsBlock extends BlockOrigin {
  mode: "contents_block";
  bundles_spec: BundlesSpec;
  /** Bundle-relative path ("" = the bundle itself). */
  target_genpath: string;
  status: FetchStatus;
  max_lines: number;
  /** Lines without terminators; `["<directory>"]` for a directory; null when not readable. */
  lines: string[] | null;
}

/**
 * Unlike CodaLab there is no base64 `image_data`: inlining images made interpretation responses
 * huge and slow (spec §11.10). The web loads the bytes from the bundle contents URL of
 * `bundles_spec.uuid_spec[0]` + `target_genpath`, which the browser can cache.
 */
export interface ImageBlock extends BlockOrigin {
  mode: "image_block";
  bundles_spec: BundlesSpec;
  target_genpath: string;
  status: FetchStatus;
  width: number | null;
  height: number | null;
}

/** Documented by CodaLab but never implemented there; the web shows the file in a sandboxed frame. */
export interface HtmlBlock extends BlockOrigin {
  mode: "html_block";
  bundles_spec: BundlesSpec;
  target_genpath: string;
  status: FetchStatus;
}

export interface GraphTrajectory {
  bundle_uuid: string;
  display_name: string;
  target_genpath: string;
  /** Rows of the header-less TSV, cells as text; null when the file could not be read. */
  points: string[][] | null;
}

export interface GraphBlock extends BlockOrigin {
  mode: "graph_block";
  bundles_spec: BundlesSpec;
  /** The TSV file read in each bundle. */
  target_genpath: string;
  status: FetchStatus;
  trajectories: GraphTrajectory[];
  max_lines: number;
  /** Column indices of x and y in each row. */
  x: number;
  y: number;
  /** Axis labels. */
  xlabel: string | null;
  ylabel: string | null;
}

export interface SchemaFieldRow {
  field: string;
  genpath: string;
  post_processor: string | null;
  /** Set on rows copied by `% addschema <name>`; rows added by `% add` carry the schema's own name. */
  from_schema_name: string | null;
}

export interface SchemaBlock extends BlockOrigin {
  mode: "schema_block";
  schema_name: string;
  header: ["field", "generalized-path", "post-processor"];
  field_rows: SchemaFieldRow[];
}

export interface SubworksheetsBlock extends BlockOrigin {
  mode: "subworksheets_block";
  subworksheet_infos: WorksheetInfo[];
}

/** A `% search`/`% wsearch` left for the web to load lazily with `?directive=<directive>`. */
export interface PlaceholderBlock extends BlockOrigin {
  mode: "placeholder_block";
  directive: string;
}

export type WorksheetBlock =
  | MarkupBlock
  | TableBlock
  | RecordBlock
  | ContentsBlock
  | ImageBlock
  | HtmlBlock
  | GraphBlock
  | SchemaBlock
  | SubworksheetsBlock
  | PlaceholderBlock;

/** Blocks that show bundles (and so can be refreshed by live updates). */
export type BundleBlock = TableBlock | RecordBlock | ContentsBlock | ImageBlock | HtmlBlock | GraphBlock;

export function isBundleBlock(block: WorksheetBlock): block is BundleBlock {
  return "bundles_spec" in block;
}

/** Index of a block and of the row (bundle, line, field) inside it. */
export type BlockPosition = [block: number, row: number];

export interface InterpretedWorksheet {
  blocks: WorksheetBlock[];
  /** Per source line (worksheet item): the block/row to focus; null for trailing lines with no block. */
  raw_to_block: (BlockPosition | null)[];
  /** `"block,row"` → the last source line that maps to it. */
  block_to_raw: Record<string, number>;
  /** The worksheet as markdown source lines (`cl wedit`, the web's source editor). */
  source: string[];
}

export function readyStatus(): FetchStatus {
  return { code: "ready", error_message: "" };
}

export function fetchStatus(code: FetchStatusCode, errorMessage = ""): FetchStatus {
  return { code, error_message: errorMessage };
}
