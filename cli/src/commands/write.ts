import { parseBundleEnvelope } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { locateTarget } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { withHint } from "../errors/with-hint.ts";

const NAME_HINT =
  "name a top-level file of the run that is not one of its dependency keys: cl write <run>/<name> <string>";

export default defineClCommand({
  details: [
    "The file is written into the running bundle's directory by its worker, e.g. to signal the job.",
    "Only top-level names that are not dependency keys; prints the bundle's uuid.",
  ],
  args: {
    target_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)/<subpath>",
    },
    string: { type: "positional", required: true, description: "Write this string to the target file." },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
    },
  },
  async run(args, ctx) {
    const { client, uuid, subpath } = await locateTarget(ctx, args.target_spec, { worksheetSpec: args.worksheetSpec });
    if (subpath === "") throw usageError(`no file named in ${JSON.stringify(args.target_spec)}`, NAME_HINT);
    const path = `/rest/bundles/${uuid}/write`;
    try {
      parseResponse(`POST ${path}`, await client.post(path, { subpath, string: args.string }), parseBundleEnvelope);
    } catch (error) {
      throw withHint(error, ({ code }) => {
        if (code === "INVALID_PATH") return NAME_HINT;
        if (code === "INVALID_STATE") {
          return "only a run that is starting, preparing or running can be written to: `cl info -f state <bundle>` shows where it is";
        }
        return undefined;
      });
    }
    ctx.out.line(uuid);
  },
});
