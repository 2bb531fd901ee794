/**
 * The bundle table of `cl search` (and `rm --dry-run`): CodaLab's print_bundle_info_list, with
 * uuids cut to 8 characters, dates and sizes rendered, sizes right-aligned.
 */
import { applyPostProcessor } from "@codalab/core/worksheet/post-process";
import type { WireBundle } from "../api/bundle-wire.ts";
import { renderTable } from "../output/table.ts";
import { bundleField } from "./bundle-fields.ts";
import { pythonStr } from "./info-lines.ts";

export const DEFAULT_BUNDLE_FIELDS = ["uuid", "name", "summary", "owner", "created", "data_size", "state"] as const;
/** How many results a search returns unless `.limit=N` says otherwise. */
export const SEARCH_RESULTS_LIMIT = 10;

const POST_PROCESSORS: Readonly<Record<string, string>> = { uuid: "[0:8]", created: "date", data_size: "size" };

/** With `refs` (`cl ls`), a first column `ref` numbers the bundles `^N` from the last one up. */
export function bundleTable(
  bundles: readonly WireBundle[],
  fields: readonly string[],
  options: { refs?: boolean } = {},
): string[] {
  const rows = bundles.map((bundle, index) => {
    const row: Record<string, string> = Object.fromEntries(
      fields.map((field) => {
        const value = applyPostProcessor(POST_PROCESSORS[field] ?? null, bundleField(bundle, field));
        return [field, value === null ? "" : pythonStr(value)];
      }),
    );
    if (options.refs) row.ref = `^${bundles.length - index}`;
    return row;
  });
  const columns = options.refs ? ["ref", ...fields] : fields;
  return renderTable(columns, rows, { rightAlign: ["data_size", "ref"] });
}

export function resultLimitNote(count: number): string | undefined {
  return count === SEARCH_RESULTS_LIMIT
    ? `Only ${SEARCH_RESULTS_LIMIT} results are shown. Use .limit=N to show the first N results.`
    : undefined;
}
