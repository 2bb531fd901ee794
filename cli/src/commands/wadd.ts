import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { addItems, type NewItem } from "../worksheets/add-items.ts";
import { fetchWorksheet, worksheetTarget } from "../worksheets/current-worksheet.ts";

/** Bundles still being made are not copied (CodaLab: only ready and failed ones). */
const COPIED_STATES = ["ready", "failed"];

export default defineClCommand({
  details: [
    "Bundles in non-final states (other than ready or failed) are not copied to the destination worksheet.",
    "The existing items on the destination worksheet are not affected unless the -r/--replace flag is set.",
  ],
  args: {
    source_worksheet_spec: {
      type: "positional",
      required: true,
      description: "[(<alias>|<address>)::](<uuid>|<name>)",
    },
    dest_worksheet_spec: { type: "positional", required: true, description: "[(<alias>|<address>)::](<uuid>|<name>)" },
    replace: {
      type: "boolean",
      alias: "r",
      description:
        "Replace everything on the destination worksheet with the items from the source worksheet (old bundles are detached, not deleted).",
    },
  },
  async run(args, ctx) {
    const source = await worksheetTarget(ctx, args.source_worksheet_spec);
    const destination = await worksheetTarget(ctx, args.dest_worksheet_spec);
    if (source.client.address !== destination.client.address) {
      throw usageError("copying worksheets between instances is not supported yet", "copy within one instance");
    }
    const { items, bundles } = await fetchWorksheet(source.client, source.uuid, ["bundles"]);
    const copied: NewItem[] = [];
    for (const item of items) {
      if (item.type === "bundle" && item.bundle_uuid !== null) {
        const state = bundles.get(item.bundle_uuid)?.state ?? "unreadable";
        if (!COPIED_STATES.includes(state)) {
          ctx.out.line(`Skipping bundle ${item.bundle_uuid} because it has non-final state ${state}`);
          continue;
        }
        copied.push({ type: "bundle", bundle_uuid: item.bundle_uuid });
      } else if (item.type === "worksheet" && item.subworksheet_uuid !== null) {
        copied.push({ type: "worksheet", subworksheet_uuid: item.subworksheet_uuid });
      } else {
        // A stored directive value is its tokens re-quoted: adding it again stores the same text.
        copied.push({ type: item.type, value: item.value });
      }
    }
    const replaceIds = args.replace
      ? (await fetchWorksheet(destination.client, destination.uuid)).items.map((item) => item.id)
      : [];
    await addItems(destination, copied, { replaceIds });
    ctx.out.line(`Copied ${copied.length} worksheet items to ${destination.uuid}.`);
  },
});
