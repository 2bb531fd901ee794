import { expandRanges } from "@codalab/core/spec/bundle-spec";
import { parseOwnerChange } from "../api/group-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { usageError } from "../errors/cli-error.ts";

export default defineClCommand({
  details: [
    "Needs `all` permission on every bundle; the bundles' disk usage moves to the new owner.",
    "Prints the uuid of each bundle given away.",
  ],
  args: {
    user_spec: { type: "positional", required: true, description: "User name or id to set as the owner." },
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>)).",
    },
    json: JSON_ARG,
  },
  rest: { name: "bundle_spec", description: "More bundles; ranges like ^1-3 are expanded." },
  async run(args, ctx) {
    return withAccountHints("chown", async () => {
      const resolved = await resolveBundles(ctx, expandRanges(args._.slice(1)), { worksheetSpec: args.worksheetSpec });
      const clients = new Set(resolved.map(({ client }) => client));
      const [client] = clients;
      if (client === undefined) throw usageError("say which bundles to give away");
      if (clients.size > 1) throw usageError("cl chown works on one instance at a time", "run it once per instance");
      const uuids = [...new Set(resolved.map(({ bundle }) => bundle.uuid))];
      const body = await client.post("/rest/bundles/owner", { uuids, user: args.user_spec });
      const change = parseResponse("POST /rest/bundles/owner", body, parseOwnerChange);
      if (args.json) ctx.out.json(change);
      else for (const uuid of change.uuids) ctx.out.line(uuid);
    });
  },
});
