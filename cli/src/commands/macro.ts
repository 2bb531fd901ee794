import { macroSpecs } from "@codalab/core/runs/mimic-plan";
import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { MIMIC_ARGS, mimicOptions, reportMimic } from "../runs/mimic-args.ts";
import { mimicBundles } from "../runs/mimic-bundles.ts";

export default defineClCommand({
  details: [
    "  macro <M> <in1> <in2> <name>:<x> : Same as mimic <M>-in1 <M>-in2 <M>-in-<name> <M>-out <in1> <in2> <x>.",
    "The macro is the bundles named <M>-in1, ..., <M>-in-<name> and <M>-out on the worksheet; the new output is",
    "named `new` unless -n names it.",
  ],
  args: {
    macroName: {
      type: "positional",
      required: true,
      description: "Name of the macro (the prefix of its bundles' names).",
    },
    ...MIMIC_ARGS,
  },
  rest: { name: "bundles", description: "<input>... and <name>:<input> ..." },
  lists: { tags: "*", excludePatterns: "*" },
  async run(args, ctx, lists) {
    // `_` holds every positional, the macro name first.
    const [macroName = "", ...inputs] = args._;
    if (inputs.length === 0) {
      throw usageError("missing argument <bundles>", "usage: cl macro <macro_name> <input>... [<name>:<input>...]");
    }
    const options = mimicOptions(args, lists, "macro");
    const results = await mimicBundles(ctx, macroSpecs(macroName, inputs), {
      ...options,
      name: options.name ?? "new",
    });
    await reportMimic(ctx, results, args);
  },
});
