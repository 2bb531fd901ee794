import { parseGroupEnvelope } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";

export default defineClCommand({
  details: [
    "Only the group's owner and admins can add users. Adding a member again changes their role;",
    "the owner is always an admin.",
  ],
  args: {
    user_spec: { type: "positional", required: true, description: "User name or id to add." },
    group_spec: {
      type: "positional",
      required: true,
      description: "Group to add user to (<name>|<uuid>|<uuid prefix>).",
    },
    admin: { type: "boolean", alias: "a", description: "Give admin privileges to the user for the group." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("uadd", async () => {
      const client = await ctx.currentClient();
      const path = `/rest/groups/${encodeURIComponent(args.group_spec)}/members/${encodeURIComponent(args.user_spec)}`;
      const body = await client.request("PUT", path, { body: { is_admin: args.admin === true } });
      const group = parseResponse(`PUT ${path}`, body, parseGroupEnvelope);
      if (args.json) {
        ctx.out.json(group.raw);
        return;
      }
      const spec = args.user_spec.toLowerCase();
      const member = group.members?.find((m) => m.user_id === args.user_spec || m.user_name?.toLowerCase() === spec);
      ctx.out.line(
        `${member?.user_name ?? args.user_spec} in group ${group.name} as ${args.admin ? "admin" : "member"}`,
      );
    });
  },
});
