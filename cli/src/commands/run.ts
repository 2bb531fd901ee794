import { runMetadata, runRequestBody } from "@codalab/core/runs/derived-request";
import { parseRunArgs } from "@codalab/core/spec/dependency-args";
import { defineClCommand, JSON_ARG } from "../command.ts";
import type { ClContext } from "../context.ts";
import { CodalabError } from "../core-light.ts";
import { usageError } from "../errors/cli-error.ts";
import { hintForCode } from "../errors/error-hints.ts";
import {
  checkArguments,
  checkQuota,
  createDerivedBundle,
  hostWorksheet,
  resolveDependencies,
} from "../runs/derived-bundles.ts";
import { memoizedRun } from "../runs/memoized-run.ts";
import { fieldHint, RUN_METADATA_ARGS, runOptionsFrom } from "../runs/run-metadata-args.ts";
import { findCommand } from "./command-list.ts";

const DEPENDENCY_HINT =
  "a dependency is [<key>]:<target_spec>, with a key of letters, digits, _, -, . and / (see `cl help run`)";

const SPEC_HINT =
  "dependencies are [<key>]:<target_spec> on this instance, or %<target_spec>% inside the command (see `cl help run`)";

function argumentHint(error: CodalabError): string {
  const hint = fieldHint(error);
  if (hint !== undefined) return hint;
  if (error.code === "INVALID_SPEC") return SPEC_HINT;
  return hintForCode(error.code) ?? DEPENDENCY_HINT;
}

export default defineClCommand({
  details: [
    "  run '<command>'                     : Run <command> in a container, with no dependencies.",
    "  run <key>:<target> ... '<command>'  : Each <target> appears (read-only) as ./<key> in the run's directory.",
    "  run :<target> ... '<command>'       : The key is the target's file or bundle name.",
    "  run <target> ... '<command>'        : The keys are b1, b2, ...",
    "  run '... %<target>% ...'            : A dependency inside the command, replaced by its key (%<key>:<target>% names it).",
    "  run <key>:<target> --- <command...> : Everything after --- is the command, quoted for you.",
    "Prints the new bundle's uuid. Unset --request-time and --request-disk default to what is left of your quotas.",
    "-W waits for the run and prints its info, -t prints its stdout and stderr as they are written; with either,",
    "a run that does not end ready is an error (exit status 1).",
  ],
  args: {
    name: {
      type: "string",
      alias: "n",
      description:
        "Short name (not necessarily unique), which must start with a letter or underscore and can only contain letters, digits, underscores, periods, and dashes (name). Default: run-<first word of the command>.",
    },
    ...RUN_METADATA_ARGS,
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
    },
    memoize: {
      type: "boolean",
      alias: "m",
      description:
        "If a run with the same command and dependencies already exists, return it (newest first) and add it to the worksheet instead of running again.",
    },
    wait: { type: "boolean", alias: "W", description: "Wait until run finishes." },
    tail: { type: "boolean", alias: "t", description: "Wait until run finishes, displaying stdout/stderr." },
    verbose: { type: "boolean", alias: "v", description: "Display verbose output." },
    json: JSON_ARG,
  },
  rest: {
    name: "target_spec",
    description: "[<key>]:<target_spec> ..., then the command (or --- and the command's words).",
  },
  lists: { tags: "*", excludePatterns: "*" },
  async run(args, ctx, lists) {
    if (args._.length === 0) {
      throw usageError("missing argument <command>", "usage: cl run [<key>]:<target_spec> ... '<command>'");
    }
    const { dependencies, command, metadata } = checkArguments(() => {
      const parsed = parseRunArgs(args._);
      const metadata = runMetadata(parsed.command, runOptionsFrom(args, lists));
      return { ...parsed, metadata };
    }, argumentHint);
    const host = await hostWorksheet(ctx, args.worksheetSpec);
    // Both read-only and independent: asked at once.
    const [resolved] = await Promise.all([
      resolveDependencies(ctx, dependencies, args.worksheetSpec),
      checkQuota(host.client, metadata),
    ]);
    const bundle =
      (args.memoize ? await memoizedRun(host, command, resolved) : null) ??
      (await createDerivedBundle(
        host.client,
        runRequestBody({ command, dependencies: resolved, metadata, worksheetUuid: host.uuid }),
        "run",
      ));
    if (!args.wait && !args.tail) {
      if (args.json) ctx.out.json(bundle.raw);
      else ctx.out.line(bundle.uuid);
      return;
    }
    // CodaLab's order: the uuid at once, the output as it is written, then the bundle's info.
    if (!args.json) ctx.out.line(bundle.uuid);
    const { followBundle, RUN_OUTPUT, unlessReady } = await import("../runs/follow.ts");
    const final = await followBundle(host.client, bundle.uuid, {
      out: ctx.out,
      tail: args.tail ? RUN_OUTPUT : [],
      fromStart: true,
    });
    if (args.json) ctx.out.json(final.raw);
    else if (args.wait || args.verbose) await printInfo(ctx, final.uuid, args.verbose === true);
    const refusal = unlessReady(final);
    if (refusal !== null) throw refusal;
  },
});

/** What `cl info [-v] <uuid>` prints, as CodaLab's `run -W` shows it. */
async function printInfo(ctx: ClContext, uuid: string, verbose: boolean): Promise<void> {
  const entry = findCommand("info");
  if (entry === undefined) throw new CodalabError("INTERNAL", "the info command is missing");
  const info = await entry.load();
  await info.prepare(verbose ? [uuid, "--verbose"] : [uuid], entry)(ctx);
}
