import { parseGroupList } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { renderTable } from "../output/table.ts";

export default defineClCommand({
  details: ["Lists public and the groups you are in, with your role in each (administrators see every group)."],
  args: { json: JSON_ARG },
  async run(args, ctx) {
    return withAccountHints("gls", async () => {
      const client = await ctx.currentClient();
      const groups = parseResponse("GET /rest/groups", await client.get("/rest/groups"), parseGroupList);
      if (args.json) {
        ctx.out.json(groups.map((group) => group.raw));
        return;
      }
      const rows = groups.map((group) => ({
        name: group.name,
        uuid: group.uuid,
        owner: group.owner_id === null ? "" : `${group.owner_name ?? "[deleted user]"}(${group.owner_id})`,
        role: group.role ?? "-",
      }));
      for (const line of renderTable(["name", "uuid", "owner", "role"], rows)) ctx.out.line(line);
    });
  },
});
