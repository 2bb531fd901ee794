import { parseResponse } from "../api/wire.ts";
import { parseWorksheetEnvelope } from "../api/worksheet-wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { worksheetTarget } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: ["Does not switch to the new worksheet: use `cl work <name>` for that."],
  args: {
    name: { type: "positional", required: true, description: "Name of worksheet ([a-zA-Z_][a-zA-Z0-9_.-]*)." },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Create it on the instance of this worksheet ([(<alias>|<address>)::](<uuid>|<name>)).",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const client =
      args.worksheetSpec === undefined
        ? await ctx.currentClient()
        : (await worksheetTarget(ctx, args.worksheetSpec)).client;
    const body = await client.post("/rest/worksheets", { name: args.name });
    const worksheet = parseResponse("POST /rest/worksheets", body, parseWorksheetEnvelope);
    if (args.json) ctx.out.json(worksheet.raw);
    else ctx.out.line(worksheet.uuid);
  },
});
