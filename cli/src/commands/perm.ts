import { expandRanges } from "@codalab/core/spec/bundle-spec";
import { parsePermissionChange } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { usageError } from "../errors/cli-error.ts";
import { permissionArg } from "../parse/permission-arg.ts";

export default defineClCommand({
  details: [
    "  perm <bundle_spec> ... <group_spec> <permission_spec>",
    "Needs `all` permission on every bundle; nothing changes unless every bundle can be changed.",
    "<permission_spec> is n[one], r[ead] or a[ll]; none withdraws the group's access.",
  ],
  args: {
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    group_spec: { type: "positional", required: true, description: "<name>|<uuid>|<uuid prefix>" },
    permission_spec: { type: "positional", required: true, description: "n[one]|r[ead]|a[ll]" },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>)).",
    },
    json: JSON_ARG,
  },
  rest: { name: "more", description: "More bundles: the last two arguments are always the group and the permission." },
  async run(args, ctx) {
    return withAccountHints("perm", async () => {
      const positionals = args._;
      const permissionText = positionals.at(-1) ?? "";
      const groupSpec = positionals.at(-2) ?? "";
      const level = permissionArg(permissionText, "cl perm mybundle public read");
      const resolved = await resolveBundles(ctx, expandRanges(positionals.slice(0, -2)), {
        worksheetSpec: args.worksheetSpec,
      });
      const clients = new Set(resolved.map(({ client }) => client));
      const [client] = clients;
      if (client === undefined) throw usageError("say which bundles to share");
      if (clients.size > 1) throw usageError("cl perm works on one instance at a time", "run it once per instance");
      const uuids = [...new Set(resolved.map(({ bundle }) => bundle.uuid))];
      const body = await client.post("/rest/bundles/permissions", { uuids, group: groupSpec, permission: level });
      const change = parseResponse("POST /rest/bundles/permissions", body, parsePermissionChange);
      if (args.json) ctx.out.json(change);
      else {
        ctx.out.line(
          `Group ${change.group.name}(${change.group.uuid}) has ${change.permission} permission on ${change.uuids.length} bundles.`,
        );
      }
    });
  },
});
