import { parseGroupEnvelope } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";

export default defineClCommand({
  details: ["The group's owner and admins can remove anyone but the owner; any member can remove themselves."],
  args: {
    user_spec: { type: "positional", required: true, description: "User name or id to remove." },
    group_spec: {
      type: "positional",
      required: true,
      description: "Group to remove user from (<name>|<uuid>|<uuid prefix>).",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("urm", async () => {
      const client = await ctx.currentClient();
      const path = `/rest/groups/${encodeURIComponent(args.group_spec)}/members/${encodeURIComponent(args.user_spec)}`;
      const group = parseResponse(`DELETE ${path}`, await client.request("DELETE", path), parseGroupEnvelope);
      if (args.json) ctx.out.json(group.raw);
      else ctx.out.line(`Removed ${args.user_spec} from group ${group.name}.`);
    });
  },
});
