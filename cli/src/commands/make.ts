import { makeMetadata, makeRequestBody } from "@codalab/core/runs/derived-request";
import { parseMakeArgs } from "@codalab/core/spec/dependency-args";
import { defineClCommand, JSON_ARG } from "../command.ts";
import type { CodalabError } from "../core-light.ts";
import { hintForCode } from "../errors/error-hints.ts";
import { checkArguments, createDerivedBundle, hostWorksheet, resolveDependencies } from "../runs/derived-bundles.ts";
import { BUNDLE_METADATA_ARGS, fieldHint } from "../runs/run-metadata-args.ts";

function argumentHint(error: CodalabError): string {
  return (
    fieldHint(error) ??
    hintForCode(error.code) ??
    "give one <target_spec>, or several <key>:<target_spec> with distinct keys of letters, digits, _, -, . and / (see `cl help make`)"
  );
}

export default defineClCommand({
  details: [
    "  make <bundle>/<subpath>                : New bundle's contents are copied from <subpath> in <bundle>.",
    "  make <key>:<bundle> ... <key>:<bundle> : New bundle contains file/directories <key> ... <key>, whose contents are given.",
  ],
  args: {
    name: {
      type: "string",
      alias: "n",
      description:
        "Short name (not necessarily unique), which must start with a letter or underscore and can only contain letters, digits, underscores, periods, and dashes (name).",
    },
    ...BUNDLE_METADATA_ARGS,
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
    },
    json: JSON_ARG,
  },
  rest: { name: "target_spec", description: "[<key>:]<target_spec> ..." },
  lists: { tags: "*" },
  async run(args, ctx, lists) {
    const { dependencies, metadata } = checkArguments(() => {
      const parsed = parseMakeArgs(args._);
      const metadata = makeMetadata(args._, {
        name: args.name,
        description: args.description,
        tags: lists.tags,
        allowFailedDependencies: args.allowFailedDependencies,
      });
      return { ...parsed, metadata };
    }, argumentHint);
    const host = await hostWorksheet(ctx, args.worksheetSpec);
    const resolved = await resolveDependencies(ctx, dependencies, args.worksheetSpec);
    const bundle = await createDerivedBundle(
      host.client,
      makeRequestBody({ dependencies: resolved, metadata, worksheetUuid: host.uuid }),
      "make",
    );
    if (args.json) ctx.out.json(bundle.raw);
    else ctx.out.line(bundle.uuid);
  },
});
