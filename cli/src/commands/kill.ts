import { expandRanges } from "@codalab/core/spec/bundle-spec";
import { parseBundleEnvelope } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { withHint } from "../errors/with-hint.ts";

export default defineClCommand({
  details: [
    "Bundles on a worker are stopped there and end killed (a run keeps what it wrote so far);",
    "bundles not yet on a worker end killed at once. Prints the uuid of each bundle killed.",
  ],
  args: {
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
    },
  },
  rest: { name: "bundle_spec", description: "More bundles; ranges like ^1-3 are expanded." },
  async run(args, ctx) {
    // Every spec is resolved before anything is killed, so a typo in the last one kills nothing.
    const resolved = await resolveBundles(ctx, expandRanges(args._), { worksheetSpec: args.worksheetSpec });
    const targets = [...new Map(resolved.map((item) => [item.bundle.uuid, item])).values()];
    if (targets.length === 0) throw usageError("say which bundles to kill");
    // One request per bundle, all at once; each success is printed in the order given and the
    // first refusal is reported after the others went through.
    const outcomes = await Promise.allSettled(
      targets.map(async ({ client, bundle }) => {
        const path = `/rest/bundles/${bundle.uuid}/kill`;
        return parseResponse(`POST ${path}`, await client.post(path, {}), parseBundleEnvelope);
      }),
    );
    let refusal: unknown;
    for (const outcome of outcomes) {
      if (outcome.status === "fulfilled") ctx.out.line(outcome.value.uuid);
      else refusal ??= outcome.reason;
    }
    if (refusal !== undefined) {
      throw withHint(refusal, (error) =>
        error.code === "INVALID_STATE"
          ? "only bundles that have not finished can be killed: `cl info -f state <bundle>` shows where one is"
          : undefined,
      );
    }
  },
});
