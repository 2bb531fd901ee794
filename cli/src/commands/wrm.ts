import { parseResponse } from "../api/wire.ts";
import { defineClCommand } from "../command.ts";
import { isRecord } from "../parse/json-fields.ts";
import { resolveWorksheet, worksheetUrlAndName } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: ["To be safe, you can only delete a worksheet if it has no items and is not frozen."],
  args: {
    worksheet_spec: { type: "positional", required: true, description: "[(<alias>|<address>)::](<uuid>|<name>)" },
    force: { type: "boolean", description: "Delete worksheet even if it is non-empty and frozen." },
  },
  rest: { name: "worksheet_spec", description: "More worksheets." },
  async run(args, ctx) {
    const session = await ctx.session.current();
    let deletedCurrent = false;
    for (const spec of args._) {
      const { client, worksheet } = await resolveWorksheet(ctx, spec);
      const body = await client.post("/rest/worksheets/delete", {
        uuids: [worksheet.uuid],
        force: args.force === true,
      });
      parseResponse("POST /rest/worksheets/delete", body, (value) => {
        if (!isRecord(value) || !Array.isArray(value.deleted)) throw new Error("no deleted list");
        return value.deleted;
      });
      if (worksheet.uuid === session.worksheet_uuid && client.address === session.address) deletedCurrent = true;
    }
    if (deletedCurrent) {
      // As CodaLab: back to the home worksheet.
      const { client, worksheet } = await resolveWorksheet(ctx, "/");
      await ctx.session.switchTo(client.address, worksheet.uuid);
      ctx.out.line(`Switched to worksheet: ${worksheetUrlAndName(client, worksheet)}`);
    }
  },
});
