import { bundleTable, DEFAULT_BUNDLE_FIELDS, resultLimitNote } from "../bundles/bundle-table.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { fetchWorksheet, worksheetTarget } from "../worksheets/current-worksheet.ts";
import { worksheetHeader } from "../worksheets/worksheet-header.ts";

export default defineClCommand({
  details: ["The ref column gives the ^N spec of each bundle (^1 is the last one on the worksheet)."],
  args: {
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>)).",
    },
    field: {
      type: "string",
      alias: "f",
      valueHint: "fields",
      default: DEFAULT_BUNDLE_FIELDS.join(","),
      description: "Print out these comma-separated fields.",
    },
    uuidOnly: { type: "boolean", alias: "u", description: "Print only uuids." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const { client, uuid } = await worksheetTarget(ctx, args.worksheetSpec);
    const { worksheet, items, bundles } = await fetchWorksheet(client, uuid, ["bundles"]);
    // Only bundles the caller can read are listed, so ^N here is what the server resolves ^N to.
    const listed = items.flatMap((item) => (item.bundle_uuid === null ? [] : (bundles.get(item.bundle_uuid) ?? [])));
    if (args.json) {
      ctx.out.json({ worksheet: worksheet.raw, bundles: listed.map((bundle) => bundle.raw) });
      return;
    }
    if (args.uuidOnly) {
      for (const bundle of listed) ctx.out.line(bundle.uuid);
      return;
    }
    for (const line of worksheetHeader(client, worksheet)) ctx.out.line(line);
    if (listed.length === 0) return;
    const note = resultLimitNote(listed.length);
    if (note) ctx.out.note(note);
    for (const line of bundleTable(listed, args.field.split(","), { refs: true })) ctx.out.line(line);
  },
});
