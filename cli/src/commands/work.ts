import { defineClCommand, JSON_ARG } from "../command.ts";
import { resolveWorksheet, worksheetUrlAndName } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: [
    "  work <worksheet>          : Switch to the given worksheet on the current instance.",
    "  work <alias>::            : Switch to the home worksheet on instance <alias>.",
    "  work <alias>::<worksheet> : Switch to the given worksheet on instance <alias>.",
  ],
  args: {
    worksheet_spec: {
      type: "positional",
      required: false,
      description: "[(<alias>|<address>)::](<uuid>|<name>)",
    },
    uuidOnly: { type: "boolean", alias: "u", description: "Print only the worksheet uuid." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const spec = args.worksheet_spec;
    const { client, worksheet } = await resolveWorksheet(ctx, spec);
    // Without a spec nothing changes; with one the session moves (also with -u, as in CodaLab).
    if (spec !== undefined) await ctx.session.switchTo(client.address, worksheet.uuid);
    if (args.json) {
      ctx.out.json({ address: client.address, worksheet_uuid: worksheet.uuid, name: worksheet.name });
    } else if (args.uuidOnly) {
      ctx.out.line(worksheet.uuid);
    } else {
      const verb = spec === undefined ? "Currently on" : "Switched to";
      ctx.out.line(`${verb} worksheet: ${worksheetUrlAndName(client, worksheet)}`);
    }
  },
});
