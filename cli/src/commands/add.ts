import { parseResponse } from "../api/wire.ts";
import { parseWorksheetList } from "../api/worksheet-wire.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { splitInstanceSpec } from "../state/instance-address.ts";
import { addItems } from "../worksheets/add-items.ts";
import { worksheetTarget } from "../worksheets/current-worksheet.ts";

const ITEM_TYPES = ["text", "bundle", "worksheet"] as const;

export default defineClCommand({
  details: [
    "  add text <text> ...        : Append markup lines; text starting with % is a directive.",
    "  add bundle <bundle> ...    : Append bundles ([[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)).",
    "  add worksheet <ws> ...     : Append links to sub-worksheets ([(<alias>|<address>)::](<uuid>|<name>)).",
  ],
  args: {
    item_type: { type: "positional", required: true, description: "Type of item(s) to add {text, bundle, worksheet}." },
    item_spec: {
      type: "positional",
      required: true,
      description: "Item specifications, with the format depending on item_type.",
    },
    destWorksheet: {
      type: "string",
      valueHint: "worksheet",
      description:
        "Worksheet to which to add items ([(<alias>|<address>)::](<uuid>|<name>)); default: the current one.",
    },
    copyDependencies: {
      type: "boolean",
      alias: "d",
      description: "If adding bundles, also add dependencies of the bundles.",
    },
  },
  rest: { name: "item_spec", description: "More items." },
  async run(args, ctx) {
    const type = ITEM_TYPES.find((candidate) => candidate === args.item_type);
    if (type === undefined) {
      throw usageError(`invalid item_type ${JSON.stringify(args.item_type)}`, `choose from ${ITEM_TYPES.join(", ")}`);
    }
    if (type !== "bundle" && args.copyDependencies)
      throw usageError("-d/--copy-dependencies only applies when adding bundles");
    const specs = args._.slice(1);
    const destination = await worksheetTarget(ctx, args.destWorksheet);
    if (type === "text") {
      const items = specs.map((text) =>
        text.startsWith("%") ? { type: "directive", value: text.slice(1).trim() } : { type: "markup", value: text },
      );
      await addItems(destination, items);
      return;
    }
    if (type === "bundle") {
      // Names and ^N are looked up on the current worksheet, not the destination (as CodaLab).
      const resolved = await resolveBundles(ctx, specs);
      const items: Record<string, string>[] = [];
      for (const { client, bundle } of resolved) {
        if (client.address !== destination.client.address) {
          throw usageError(
            `${bundle.uuid} is on ${client.address}: copying bundles between instances is not supported yet`,
            "add bundles of the destination worksheet's instance",
          );
        }
        if (args.copyDependencies) {
          for (const dependency of bundle.dependencies)
            items.push({ type: "bundle", bundle_uuid: dependency.parent_uuid });
        }
        items.push({ type: "bundle", bundle_uuid: bundle.uuid });
      }
      await addItems(destination, items);
      return;
    }
    const current = await worksheetTarget(ctx);
    const items: Record<string, string>[] = [];
    for (const spec of specs) {
      if (splitInstanceSpec(spec).instance !== undefined) {
        throw usageError(`cannot add ${spec}: worksheet links only work within one instance`);
      }
      const body = await destination.client.get("/rest/worksheets", {
        query: {
          specs: [spec],
          base: current.client.address === destination.client.address ? current.uuid : undefined,
        },
      });
      const [worksheet] = parseResponse("GET /rest/worksheets", body, parseWorksheetList);
      if (worksheet !== undefined) items.push({ type: "worksheet", subworksheet_uuid: worksheet.uuid });
    }
    await addItems(destination, items);
  },
});
