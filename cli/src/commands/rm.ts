import { expandRanges } from "@codalab/core/spec/bundle-spec";
import { parseBundleList, parseDeleted } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { bundleTable, DEFAULT_BUNDLE_FIELDS } from "../bundles/bundle-table.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";

export default defineClCommand({
  args: {
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    force: { type: "boolean", description: "Delete bundle (DANGEROUS - breaking dependencies!)" },
    recursive: {
      type: "boolean",
      alias: "r",
      description: "Delete all bundles downstream that depend on this bundle (DANGEROUS - could be a lot!).",
    },
    dataOnly: {
      type: "boolean",
      alias: "d",
      description: "Keep the bundle metadata, but remove the bundle contents on disk.",
    },
    dryRun: {
      type: "boolean",
      alias: "i",
      description: "Perform a dry run (just show what will be done without doing it).",
    },
    json: JSON_ARG,
  },
  rest: { name: "bundle_spec", description: "More bundles; ranges like ^1-3 are expanded." },
  async run(args, ctx) {
    // All specs are resolved before anything is deleted: `^1 ^2` would shift otherwise.
    const resolved = await resolveBundles(ctx, expandRanges(args._));
    const clients = new Set(resolved.map(({ client }) => client));
    const [client] = clients;
    if (client === undefined) throw usageError("say which bundles to remove");
    if (clients.size > 1) throw usageError("cl rm works on one instance at a time", "run it once per instance");
    const body = await client.post("/rest/bundles/delete", {
      uuids: [...new Set(resolved.map(({ bundle }) => bundle.uuid))],
      force: args.force === true,
      recursive: args.recursive === true,
      data_only: args.dataOnly === true,
      dry_run: args.dryRun === true,
    });
    const deleted = parseResponse("POST /rest/bundles/delete", body, parseDeleted);
    if (args.json) {
      ctx.out.json({ deleted, dry_run: args.dryRun === true });
      return;
    }
    if (!args.dryRun) {
      for (const uuid of deleted) ctx.out.line(uuid);
      return;
    }
    ctx.out.line("This command would permanently remove the following bundles (not doing so yet):");
    if (deleted.length === 0) return;
    const listed = parseResponse(
      "GET /rest/bundles",
      await client.get("/rest/bundles", { query: { specs: deleted } }),
      parseBundleList,
    );
    for (const line of bundleTable(listed, DEFAULT_BUNDLE_FIELDS)) ctx.out.line(line);
  },
});
