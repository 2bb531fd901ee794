import { parseGroupEnvelope } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { renderTable } from "../output/table.ts";

export default defineClCommand({
  args: {
    group_spec: {
      type: "positional",
      required: true,
      description: "Group to show information about (<name>|<uuid>|<uuid prefix>).",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("ginfo", async () => {
      const client = await ctx.currentClient();
      const path = `/rest/groups/${encodeURIComponent(args.group_spec)}`;
      const group = parseResponse(`GET ${path}`, await client.get(path), parseGroupEnvelope);
      if (args.json) {
        ctx.out.json(group.raw);
        return;
      }
      ctx.out.line(`Members of group ${group.name}(${group.uuid}):`);
      const rows = (group.members ?? []).map((member) => ({
        user: `${member.user_name ?? "[deleted user]"}(${member.user_id})`,
        role: member.role,
      }));
      for (const line of renderTable(["user", "role"], rows)) ctx.out.line(line);
    });
  },
});
