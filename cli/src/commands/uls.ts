import { parseUserSearchResult } from "../api/user-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { resultLimitNote } from "../bundles/bundle-table.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { checkUserFields, userTableLines } from "../users/user-lines.ts";

export default defineClCommand({
  details: [
    "  uls <keyword> ... <keyword>         : Username, id or name contains each <keyword>.",
    "  uls user_name=<value>               : Name is <value>, where `user_name` can be any public field (e.g., first_name).",
    "",
    "  uls .limit=<limit>                  : Limit the number of results to the top <limit> (e.g., 50).",
    "  uls .offset=<offset>                : Return results starting at <offset>.",
    "",
    "  uls .joined_before=<datetime>       : Returns users joined before (inclusive) given ISO 8601 timestamp (e.g., .joined_before=2042-03-14).",
    "  uls .joined_after=<datetime>        : Returns users joined after (inclusive) given ISO 8601 timestamp.",
    "  uls .active_before=<datetime>       : (Admins only) Returns users last logged in before (inclusive) given ISO 8601 timestamp.",
    "  uls .active_after=<datetime>        : (Admins only) Returns users last logged in after (inclusive) given ISO 8601 timestamp.",
    "",
    "  uls .disk_used_less_than=<percentage> or <float> : (Admins only) Disk usage at most the given share of the quota (e.g., 70% or 0.3).",
    "  uls .disk_used_more_than=<percentage> or <float> : (Admins only) Disk usage at least the given share of the quota.",
    "  uls .time_used_less_than=<percentage> or <float> : (Admins only) Time usage at most the given share of the quota.",
    "  uls .time_used_more_than=<percentage> or <float> : (Admins only) Time usage at least the given share of the quota.",
    "",
    "  uls date_joined=.sort               : Sort by a particular field.",
    "  uls date_joined=.sort-              : Sort by a particular field in reverse.",
    "  uls .last                           : Sort in reverse chronological order (most recently joined first).",
    "  uls .count                          : Count the number of matching users.",
    "  uls .format=<format>                : Apply <format> function (see worksheet markdown).",
  ],
  args: {
    keywords: { type: "positional", required: false, description: "Keywords to search for." },
    field: { type: "string", alias: "f", valueHint: "fields", description: "Print out these comma-separated fields." },
    json: JSON_ARG,
  },
  rest: { name: "keywords", description: "More keywords." },
  async run(args, ctx) {
    return withAccountHints("uls", async () => {
      const fields = args.field?.split(",").map((field) => field.trim());
      if (fields) checkUserFields(fields);
      const client = await ctx.currentClient();
      const body = await client.get("/rest/users", { query: { keywords: args._ } });
      const result = parseResponse("GET /rest/users", body, parseUserSearchResult);
      if (result.kind === "aggregate") {
        if (args.json) ctx.out.json({ result: result.result });
        else ctx.out.line(String(result.result));
        return;
      }
      if (args.json) {
        ctx.out.json({ users: result.users.map((user) => user.fields), total: result.total });
        return;
      }
      if (result.users.length === 0) {
        ctx.out.note("No results found");
        return;
      }
      const note = resultLimitNote(result.users.length);
      if (note) ctx.out.note(note);
      for (const line of userTableLines(result.users, fields)) ctx.out.line(line);
    });
  },
});
