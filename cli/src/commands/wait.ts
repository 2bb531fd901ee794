import { locateTarget } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { followBundle, RUN_OUTPUT, type TailedFile, unlessReady } from "../runs/follow.ts";

export default defineClCommand({
  details: [
    "Prints the bundle's uuid once it is ready; a bundle that ends failed or killed is an error",
    "(exit status 1). With -t, stdout and stderr (or the given file) are printed as they are written.",
  ],
  args: {
    target_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)[/<subpath>]",
    },
    tail: {
      type: "boolean",
      alias: "t",
      description: "Print out the tail of the file or bundle and block until the run bundle has finished running.",
    },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
    },
  },
  async run(args, ctx) {
    const { client, uuid, subpath } = await locateTarget(ctx, args.target_spec, { worksheetSpec: args.worksheetSpec });
    let tail: readonly TailedFile[] = [];
    if (args.tail) tail = subpath === "" ? RUN_OUTPUT : [{ path: subpath, to: "stdout" }];
    const bundle = await followBundle(client, uuid, { out: ctx.out, tail });
    const refusal = unlessReady(bundle);
    if (refusal !== null) throw refusal;
    ctx.out.line(bundle.uuid);
  },
});
