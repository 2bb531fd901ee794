import { renderBlock } from "@codalab/core/worksheet/render-text";
import { parseResponse } from "../api/wire.ts";
import { parseBlocks, parseSource } from "../api/worksheet-wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { resolveWorksheet } from "../worksheets/current-worksheet.ts";
import { worksheetHeader } from "../worksheets/worksheet-header.ts";

export default defineClCommand({
  details: ["Images, graphs and HTML show as one-line placeholders; `-r` prints the markdown source instead."],
  args: {
    worksheet_spec: {
      type: "positional",
      required: false,
      description: "[(<alias>|<address>)::](<uuid>|<name>) (default: the current worksheet)",
    },
    raw: { type: "boolean", alias: "r", description: "Print out the raw contents (for editing)." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const { client, worksheet } = await resolveWorksheet(ctx, args.worksheet_spec);
    if (args.raw) {
      const body = await client.get(`/rest/worksheets/${worksheet.uuid}/source`);
      const { source } = parseResponse("GET source", body, parseSource);
      if (args.json) ctx.out.json({ source });
      // The source ends every line with "\n"; Output.line adds its own.
      else for (const line of source.split("\n").slice(0, -1)) ctx.out.line(line);
      return;
    }
    // Every block at once, file cells included: a terminal cannot fill them in later.
    const body = await client.get(`/rest/worksheets/${worksheet.uuid}/interpretation`);
    const blocks = parseResponse("GET interpretation", body, parseBlocks);
    if (args.json) {
      ctx.out.json({ worksheet: worksheet.raw, blocks });
      return;
    }
    for (const line of worksheetHeader(client, worksheet)) ctx.out.line(line);
    for (const block of blocks) {
      ctx.out.line();
      ctx.out.line(renderBlock(block));
    }
  },
});
