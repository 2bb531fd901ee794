import { defineClCommand } from "../command.ts";
import { MIMIC_ARGS, mimicOptions, reportMimic } from "../runs/mimic-args.ts";
import { mimicBundles } from "../runs/mimic-bundles.ts";

export default defineClCommand({
  details: [
    "  mimic <run>                          : Re-run <run> (same command and dependencies) as a new bundle.",
    "  mimic <old> <new>                    : Re-create every bundle downstream of <old> (within --depth), with <new> in its place.",
    "  mimic <old>... <old output> <new>... : Re-create only the bundles between the old inputs and <old output>.",
    "Only run and make bundles are re-created. New runs request the image the old run ran in; metadata and",
    "--request-* options override the old values. Prints `old(uuid) => new(uuid)` per bundle, then the last new uuid.",
  ],
  args: MIMIC_ARGS,
  rest: { name: "bundles", description: "<old input>... [<old output>] <new input>..." },
  lists: { tags: "*", excludePatterns: "*" },
  async run(args, ctx, lists) {
    const results = await mimicBundles(ctx, args._, mimicOptions(args, lists, "mimic"));
    await reportMimic(ctx, results, args);
  },
});
