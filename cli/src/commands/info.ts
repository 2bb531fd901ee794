import { expandRanges } from "@codalab/core/spec/bundle-spec";
import { isFileGenpath } from "@codalab/core/worksheet/genpath";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { ApiClient } from "../api/api-client.ts";
import type { WireBundle } from "../api/bundle-wire.ts";
import { bundleField } from "../bundles/bundle-fields.ts";
import { printTarget } from "../bundles/contents.ts";
import { basicInfoLines, pythonStr, verboseInfoLines } from "../bundles/info-lines.ts";
import { fetchBundle, resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import type { Output } from "../output/output.ts";

const PREVIEW_LINES = 10;

export default defineClCommand({
  args: {
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    field: {
      type: "string",
      alias: "f",
      valueHint: "fields",
      description: "Print out these comma-separated fields (genpaths such as name, state, /stdout or /stats.json:acc).",
    },
    raw: { type: "boolean", alias: "r", description: "Print out raw information (no rendering of numbers/times)." },
    verbose: {
      type: "boolean",
      alias: "v",
      description: "Print top-level contents of bundle, children bundles, and host worksheets.",
    },
    json: JSON_ARG,
  },
  rest: { name: "bundle_spec", description: "More bundles; ranges like ^1-3 are expanded." },
  async run(args, ctx) {
    let resolved = await resolveBundles(ctx, expandRanges(args._));
    if (args.verbose) {
      const include = ["children", "host_worksheets", "group_permissions"];
      resolved = await Promise.all(
        resolved.map(async ({ client, bundle }) => ({
          client,
          bundle: await fetchBundle(client, bundle.uuid, include),
        })),
      );
    }
    if (args.field !== undefined) {
      const genpaths = args.field.split(",");
      const rows = [];
      for (const { client, bundle } of resolved) rows.push(await fieldValues(client, bundle, genpaths));
      if (args.json) {
        ctx.out.json(
          rows.map((values) => Object.fromEntries(genpaths.map((genpath, i) => [genpath, values[i] ?? null]))),
        );
        return;
      }
      for (const values of rows) ctx.out.line(values.map((value, i) => fieldText(genpaths[i] ?? "", value)).join("\t"));
      return;
    }
    if (args.json) {
      ctx.out.json(resolved.map(({ bundle }) => bundle.raw));
      return;
    }
    for (const [index, { client, bundle }] of resolved.entries()) {
      if (index > 0) ctx.out.line();
      for (const line of basicInfoLines(bundle, { raw: args.raw === true })) ctx.out.line(line);
      if (args.verbose) {
        for (const line of verboseInfoLines(bundle)) ctx.out.line(line);
        await printPreviews(ctx.out, client, bundle);
      }
    }
  },
});

async function fieldValues(client: ApiClient, bundle: WireBundle, genpaths: readonly string[]): Promise<JsonValue[]> {
  const values: JsonValue[] = [];
  for (const genpath of genpaths) {
    values.push(
      isFileGenpath(genpath) ? await readGenpath(client, bundle.uuid, genpath) : bundleField(bundle, genpath),
    );
  }
  return values;
}

async function readGenpath(client: ApiClient, uuid: string, genpath: string): Promise<JsonValue> {
  // Loaded only here: the file parser brings the YAML package along.
  const { readFileGenpath } = await import("../bundles/file-genpath.ts");
  return readFileGenpath(client, uuid, genpath);
}

/** As CodaLab prints them: a missing file value is empty, a missing field is Python's `None`. */
function fieldText(genpath: string, value: JsonValue): string {
  if (value === null && isFileGenpath(genpath)) return "";
  return pythonStr(value);
}

/** `-v`: the top-level listing, then the first lines of stdout and stderr when the bundle has them. */
async function printPreviews(out: Output, client: ApiClient, bundle: WireBundle): Promise<void> {
  const banner = (what: string) => out.line(`=== ${what} preview ===`);
  banner("contents");
  const root = await printTarget(out, client, bundle.uuid, "", { head: PREVIEW_LINES });
  if (root?.type !== "directory") return;
  for (const item of root.contents ?? []) {
    if (item.name !== "stdout" && item.name !== "stderr") continue;
    banner(item.name);
    await printTarget(out, client, bundle.uuid, item.name, { head: PREVIEW_LINES });
  }
}
