import { parsePermissionChange } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { permissionArg } from "../parse/permission-arg.ts";
import { resolveWorksheet, worksheetUrlAndName } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: [
    "Needs `all` permission on the worksheet. <permission_spec> is n[one], r[ead] or a[ll].",
    "New worksheets are readable by public; `cl wperm <worksheet> public none` makes one private.",
  ],
  args: {
    worksheet_spec: { type: "positional", required: true, description: "[(<alias>|<address>)::](<uuid>|<name>)" },
    group_spec: { type: "positional", required: true, description: "<name>|<uuid>|<uuid prefix>" },
    permission_spec: { type: "positional", required: true, description: "n[one]|r[ead]|a[ll]" },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("wperm", async () => {
      const level = permissionArg(args.permission_spec, "cl wperm myworksheet public read");
      const { client, worksheet } = await resolveWorksheet(ctx, args.worksheet_spec);
      const path = `/rest/worksheets/${worksheet.uuid}/permissions`;
      const body = await client.post(path, { group: args.group_spec, permission: level });
      const change = parseResponse(`POST ${path}`, body, parsePermissionChange);
      if (args.json) ctx.out.json(change);
      else {
        ctx.out.line(
          `Group ${change.group.name}(${change.group.uuid}) has ${change.permission} permission on worksheet ${worksheetUrlAndName(client, worksheet)}.`,
        );
      }
    });
  },
});
