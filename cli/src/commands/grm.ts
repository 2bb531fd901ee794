import { parseGroupEnvelope } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";

export default defineClCommand({
  details: ["Only its owner and admins can delete a group; the permissions it was given go with it."],
  args: {
    group_spec: { type: "positional", required: true, description: "Group to delete (<name>|<uuid>|<uuid prefix>)." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("grm", async () => {
      const client = await ctx.currentClient();
      const path = `/rest/groups/${encodeURIComponent(args.group_spec)}`;
      const group = parseResponse(`DELETE ${path}`, await client.request("DELETE", path), parseGroupEnvelope);
      if (args.json) ctx.out.json(group.raw);
      else ctx.out.line(`Deleted group ${group.name}(${group.uuid}).`);
    });
  },
});
