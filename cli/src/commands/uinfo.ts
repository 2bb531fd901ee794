import { parseUserInfoEnvelope } from "../api/user-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { checkUserFields, userInfoLines } from "../users/user-lines.ts";

export default defineClCommand({
  details: ["Other users show only their public fields; you and administrators see the rest."],
  args: {
    user_spec: {
      type: "positional",
      required: false,
      description: "User name or id of user to show [default: the authenticated user]",
    },
    field: { type: "string", alias: "f", valueHint: "fields", description: "Print out these comma-separated fields." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("uinfo", async () => {
      const fields = args.field?.split(",").map((field) => field.trim());
      if (fields) checkUserFields(fields);
      const client = await ctx.currentClient();
      const path = args.user_spec === undefined ? "/rest/user" : `/rest/users/${encodeURIComponent(args.user_spec)}`;
      const user = parseResponse(`GET ${path}`, await client.get(path), parseUserInfoEnvelope);
      if (args.json) {
        ctx.out.json(user.fields);
        return;
      }
      for (const line of userInfoLines(user, fields)) ctx.out.line(line);
    });
  },
});
