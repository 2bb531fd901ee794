import { renderGroupPermissions } from "@codalab/core/worksheet/genpath";
import { parseResponse } from "../api/wire.ts";
import { parseWorksheetList } from "../api/worksheet-wire.ts";
import { resultLimitNote } from "../bundles/bundle-table.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { renderTable } from "../output/table.ts";
import { worksheetOwner } from "../worksheets/worksheet-header.ts";

export default defineClCommand({
  details: [
    "Searcher's own worksheets are prioritized.",
    '  wls tag=paper           : List worksheets tagged as "paper".',
    "  wls group=<group_spec>  : List worksheets shared with the group identified by group_spec.",
    "  wls .mine               : List my worksheets.",
    "  wls .notmine            : List the worksheets not owned by me.",
    "  wls .shared             : List worksheets that have been shared with any of the groups I am in.",
    "  wls .limit=10           : Limit the number of results to the top 10.",
  ],
  args: {
    address: {
      type: "string",
      alias: "a",
      valueHint: "alias",
      description: "Search on this instance (alias or address).",
    },
    uuidOnly: { type: "boolean", alias: "u", description: "Print only uuids." },
    json: JSON_ARG,
  },
  rest: { name: "keywords", description: "Keywords to search for." },
  async run(args, ctx) {
    const client =
      args.address === undefined ? await ctx.currentClient() : ctx.client(await ctx.resolveInstance(args.address));
    const body = await client.get("/rest/worksheets", { query: { keywords: args._ } });
    const worksheets = parseResponse("GET /rest/worksheets", body, parseWorksheetList);
    if (args.json) {
      ctx.out.json({ worksheets: worksheets.map((worksheet) => worksheet.raw) });
      return;
    }
    if (args.uuidOnly) {
      for (const worksheet of worksheets) ctx.out.line(worksheet.uuid);
      return;
    }
    if (worksheets.length === 0) {
      ctx.out.note("No results found");
      return;
    }
    const note = resultLimitNote(worksheets.length);
    if (note) ctx.out.note(note);
    const rows = worksheets.map((worksheet) => ({
      uuid: worksheet.uuid.slice(0, 8),
      name: worksheet.name,
      owner: worksheetOwner(worksheet),
      permissions: renderGroupPermissions(worksheet.group_permissions),
    }));
    for (const line of renderTable(["uuid", "name", "owner", "permissions"], rows)) ctx.out.line(line);
  },
});
