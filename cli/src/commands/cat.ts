import { directoryListing, fetchTargetInfo, missingTarget, openBlob, pipeToOutput } from "../bundles/contents.ts";
import { resolveTarget } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";

export default defineClCommand({
  details: ["Note that cat on a directory will list its files."],
  args: {
    target_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)[/<subpath>]",
    },
    head: { type: "string", valueHint: "num", description: "Display first NUM lines of contents." },
    tail: { type: "string", alias: "t", valueHint: "num", description: "Display last NUM lines of contents." },
  },
  async run(args, ctx) {
    const head = lineCount(args.head, "--head");
    const tail = lineCount(args.tail, "--tail");
    const { client, bundle, subpath } = await resolveTarget(ctx, args.target_spec);
    const info = await fetchTargetInfo(client, bundle.uuid, subpath, 1);
    if (info === null) throw missingTarget(bundle, subpath);
    if (info.type === "file") {
      await pipeToOutput(await openBlob(client, bundle.uuid, subpath, { head, tail }), ctx.out);
    } else if (info.type === "directory") {
      for (const line of directoryListing(info)) ctx.out.line(line);
    } else {
      ctx.out.line(` -> ${info.link ?? ""}`);
    }
  },
});

function lineCount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(`${flag} takes a number of lines, not ${JSON.stringify(text)}`);
  return Number(text);
}
