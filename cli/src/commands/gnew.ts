import { parseGroupEnvelope } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";

export default defineClCommand({
  details: ["You become the group's owner and an admin; group names are unique on an instance."],
  args: {
    name: { type: "positional", required: true, description: "Name of new group ([a-zA-Z_][a-zA-Z0-9_.-]*)." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("gnew", async () => {
      const client = await ctx.currentClient();
      const body = await client.post("/rest/groups", { name: args.name });
      const group = parseResponse("POST /rest/groups", body, parseGroupEnvelope);
      if (args.json) ctx.out.json(group.raw);
      else ctx.out.line(`Created new group ${group.name}(${group.uuid}).`);
    });
  },
});
