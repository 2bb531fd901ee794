/** Small worksheet blocks for tests, shaped as the interpretation endpoint sends them. */
import type {
  BundlesSpec,
  MarkupBlock,
  PlaceholderBlock,
  RecordBlock,
  TableBlock,
  TableCell,
} from "@codalab/core/worksheet/blocks";

export const UUID_A = `0x${"a".repeat(32)}`;
export const UUID_B = `0x${"b".repeat(32)}`;

export function bundlesSpec(states: Record<string, string>): BundlesSpec {
  return {
    spec_type: "uuid_spec",
    uuid_spec: Object.keys(states),
    bundle_infos: Object.entries(states).map(([uuid, state]) => ({
      uuid,
      bundle_type: "run",
      state,
      command: "echo",
      owner_id: "1",
      owner_name: "alice",
      is_anonymous: false,
      frozen: null,
      metadata: { name: `b-${uuid.slice(2, 4)}` },
      dependencies: [],
      permission: "all",
    })) as BundlesSpec["bundle_infos"],
    fetch_status: { code: "ready", error_message: "" },
  };
}

export function markup(text: string, ids: number[] = [1]): MarkupBlock {
  return { mode: "markup_block", text, error: false, ids, sort_keys: ids };
}

export function table(rows: Record<string, TableCell>[], states: Record<string, string>, ids?: number[]): TableBlock {
  const itemIds = ids ?? rows.map((_, i) => 10 + i);
  return {
    mode: "table_block",
    bundles_spec: bundlesSpec(states),
    status: { code: "ready", error_message: "" },
    header: Object.keys(rows[0] ?? {}),
    rows,
    first_bundle_source_index: 0,
    using_schemas: ["default"],
    ids: itemIds,
    sort_keys: itemIds,
  };
}

export function record(rows: RecordBlock["rows"], states: Record<string, string>): RecordBlock {
  return {
    mode: "record_block",
    bundles_spec: bundlesSpec(states),
    status: { code: "ready", error_message: "" },
    header: ["key", "value"],
    rows,
    first_bundle_source_index: 0,
    using_schemas: [],
    ids: [20],
    sort_keys: [20],
  };
}

export function placeholder(directive: string): PlaceholderBlock {
  return { mode: "placeholder_block", directive, ids: [30], sort_keys: [30] };
}

export function pending(bundle_uuid: string, genpath: string, post: string | null = null): TableCell {
  return { type: "pending", bundle_uuid, genpath, post };
}
