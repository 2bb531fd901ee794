/**
 * `--memoize` (`cl run -m`, `cl mimic -m`): the newest run the user can read with the same command
 * and dependencies (`POST /rest/bundles/memoized`), added to the worksheet instead of running again.
 */
import type { ResolvedDependency } from "@codalab/core/runs/derived-request";
import { parseBundle, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { recordAt } from "../parse/json-fields.ts";
import { addItems } from "../worksheets/add-items.ts";
import type { WorksheetTarget } from "../worksheets/current-worksheet.ts";

function parseMemoized(value: unknown): WireBundle | null {
  const bundle = recordAt(value, "response").bundle;
  return bundle === null ? null : parseBundle(bundle, "response.bundle");
}

/** The existing run, now also on `host`'s worksheet, or null when the run must be created. */
export async function memoizedRun(
  host: WorksheetTarget,
  command: string,
  dependencies: readonly ResolvedDependency[],
): Promise<WireBundle | null> {
  const body = await host.client.post("/rest/bundles/memoized", {
    command,
    dependencies: dependencies.map(({ key, parent_uuid, parent_path }) => ({
      child_path: key,
      parent_uuid,
      parent_path,
    })),
  });
  const found = parseResponse("POST /rest/bundles/memoized", body, parseMemoized);
  if (found !== null) await addItems(host, [{ type: "bundle", bundle_uuid: found.uuid }]);
  return found;
}
