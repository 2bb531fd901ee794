import { parseSearchResult } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { bundleTable, DEFAULT_BUNDLE_FIELDS, resultLimitNote } from "../bundles/bundle-table.ts";
import { pythonStr } from "../bundles/info-lines.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";

export default defineClCommand({
  details: [
    "  search <keyword> ... <keyword>         : Name or uuid contains each <keyword>.",
    "  search name=<value>                    : Name is <value>, where `name` can be any metadata field (e.g., description).",
    "  search type=<type>                     : Bundle type is <type> (`run` or `dataset`).",
    "  search id=<id>                         : Has <id> (integer used for sorting, strictly increasing over time).",
    "  search uuid=<uuid>                     : UUID is <uuid> (e.g., 0x...).",
    "  search state=<state>                   : State is <state> (e.g., staged, running, ready, failed).",
    "  search command=<command>               : Command to run is <command>.",
    "  search dependency=<uuid>               : Has a dependency with <uuid>.",
    "  search dependency/<name>=<uuid>        : Has a dependency <name>:<uuid>.",
    "",
    "  search owner=<owner>                   : Owned by <owner> (e.g., `pliang`).",
    "  search .mine                           : Owned by me.",
    "  search group=<group>                   : Shared with <group>.",
    "  search .shared                         : Shared with any of the groups I'm in.",
    "",
    "  search host_worksheet=<worksheet>      : On <worksheet>.",
    "  search .floating                       : Not on any worksheet.",
    "",
    "  search .limit=<limit>                  : Limit the number of results to the top <limit> (e.g., 50).",
    "  search .offset=<offset>                : Return results starting at <offset>.",
    "",
    "  search .before=<datetime>              : Returns bundles created before (inclusive) given ISO 8601 timestamp (e.g., .before=2042-03-14).",
    "  search .after=<datetime>               : Returns bundles created after (inclusive) given ISO 8601 timestamp (e.g., .after=2120-10-15T00:00:00-08).",
    "",
    "  search size=.sort                      : Sort by a particular field (where `size` can be any metadata field).",
    "  search size=.sort-                     : Sort by a particular field in reverse (e.g., `size`).",
    "  search .last                           : Sort in reverse chronological order (equivalent to id=.sort-).",
    "  search .count                          : Count the number of matching bundles.",
    "  search size=.sum                       : Compute total of a particular field (e.g., `size`).",
    "  search .format=<format>                : Apply <format> function (see worksheet markdown).",
  ],
  args: {
    keywords: { type: "positional", required: true, description: "Keywords to search for." },
    field: {
      type: "string",
      alias: "f",
      valueHint: "fields",
      default: DEFAULT_BUNDLE_FIELDS.join(","),
      description: "Print out these comma-separated fields in the results table",
    },
    uuidOnly: { type: "boolean", alias: "u", description: "Print only uuids." },
    json: JSON_ARG,
  },
  rest: { name: "keywords", description: "More keywords." },
  async run(args, ctx) {
    const client = await ctx.currentClient();
    const body = await client.get("/rest/bundles", { query: { keywords: args._ } });
    const result = parseResponse("GET /rest/bundles", body, parseSearchResult);
    if (result.kind === "aggregate") {
      if (args.json) ctx.out.json({ result: result.result });
      else ctx.out.line(result.result === null ? "None" : pythonStr(result.result));
      return;
    }
    const { bundles } = result;
    if (args.json) {
      ctx.out.json({ bundles: bundles.map((bundle) => bundle.raw), total: result.total });
      return;
    }
    if (args.uuidOnly) {
      for (const bundle of bundles) ctx.out.line(bundle.uuid);
      return;
    }
    if (bundles.length === 0) {
      ctx.out.note("No results found");
      return;
    }
    const note = resultLimitNote(bundles.length);
    if (note) ctx.out.note(note);
    for (const line of bundleTable(bundles, args.field.split(","))) ctx.out.line(line);
  },
});
