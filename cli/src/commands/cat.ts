import {
  directoryListing,
  fetchTargetInfo,
  missingTarget,
  openBlob,
  pipeToOutput,
  TARGET_TYPE_HEADER,
} from "../bundles/contents.ts";
import { fetchBundle, type LocatedTarget, locateTarget } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { CodalabError } from "../core-light.ts";
import { usageError } from "../errors/cli-error.ts";
import type { Output } from "../output/output.ts";

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
    const target = await locateTarget(ctx, args.target_spec);
    const { client, uuid, subpath } = target;
    // Files are the common case: ask for the bytes straight away and learn the target's type from
    // the answer. Directories and links need the target info after all.
    let blob: Awaited<ReturnType<typeof openBlob>>;
    try {
      blob = await openBlob(client, uuid, subpath, { head, tail });
    } catch (error) {
      if (!(error instanceof CodalabError)) throw error;
      if (error.code === "NOT_FOUND") throw missingTarget(target.bundle ?? (await fetchBundle(client, uuid)), subpath);
      // A link (never followed), or head/tail of a directory.
      if (error.code !== "INVALID_PATH" && error.code !== "VALIDATION_FAILED") throw error;
      await printNonFile(ctx.out, target);
      return;
    }
    if (blob.headers.get(TARGET_TYPE_HEADER) === "file") {
      await pipeToOutput(blob, ctx.out);
      return;
    }
    // A directory's tar is not wanted: the listing is.
    await blob.body?.cancel();
    await printNonFile(ctx.out, target);
  },
});

async function printNonFile(out: Output, target: LocatedTarget): Promise<void> {
  const { client, uuid, subpath } = target;
  const info = await fetchTargetInfo(client, uuid, subpath, 1);
  if (info === null) throw missingTarget(target.bundle ?? (await fetchBundle(client, uuid)), subpath);
  if (info.type === "directory") {
    for (const line of directoryListing(info)) out.line(line);
  } else {
    out.line(` -> ${info.link ?? ""}`);
  }
}

function lineCount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(`${flag} takes a number of lines, not ${JSON.stringify(text)}`);
  return Number(text);
}
