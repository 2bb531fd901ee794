/**
 * The options `cl mimic` and `cl macro` share (CodaLab's `add_mimic_args`), what they become, and
 * the printing of the plan: `old(0x…) => new(0x…)` per bundle, then the last new uuid.
 */
import { DEFAULT_MIMIC_DEPTH } from "@codalab/core/runs/mimic-plan";
import type { ClContext } from "../context.ts";
import { usageError } from "../errors/cli-error.ts";
import type { MimicOptions, MimicResult } from "./mimic-bundles.ts";
import { RUN_METADATA_ARGS, runOptionsFrom } from "./run-metadata-args.ts";

export const MIMIC_ARGS = {
  name: {
    type: "string",
    alias: "n",
    description: "Name of the output bundle; other new bundles are named <name>-<old name>. Default: the old names.",
  },
  ...RUN_METADATA_ARGS,
  depth: {
    type: "string",
    valueHint: "depth",
    description: `Number of parents to look back from the old output in search of the old input (default ${DEFAULT_MIMIC_DEPTH}).`,
  },
  shadow: {
    type: "boolean",
    alias: "s",
    description: "Add the newly created bundles right after the old bundles that are being mimicked.",
  },
  dryRun: {
    type: "boolean",
    alias: "i",
    description: "Perform a dry run (just show what will be done without doing it).",
  },
  memoize: {
    type: "boolean",
    alias: "m",
    description: "If a run with the same command and dependencies already exists, use it instead of running again.",
  },
  worksheetSpec: {
    type: "string",
    alias: "w",
    valueHint: "worksheet",
    description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
  },
  wait: { type: "boolean", alias: "W", description: "Wait until the last new bundle finishes." },
  tail: {
    type: "boolean",
    alias: "t",
    description: "Wait until the last new bundle finishes, displaying stdout/stderr.",
  },
} as const;

type MimicArgs = Parameters<typeof runOptionsFrom>[0] & {
  depth?: string;
  shadow?: boolean;
  dryRun?: boolean;
  memoize?: boolean;
  worksheetSpec?: string;
};

export function mimicOptions(
  args: MimicArgs,
  lists: Parameters<typeof runOptionsFrom>[1],
  command: "mimic" | "macro",
): MimicOptions {
  let depth = DEFAULT_MIMIC_DEPTH;
  if (args.depth !== undefined) {
    if (!/^\d+$/.test(args.depth) || Number(args.depth) > 100) {
      throw usageError(`invalid --depth ${JSON.stringify(args.depth)}`, "--depth takes a whole number from 0 to 100");
    }
    depth = Number(args.depth);
  }
  const { name, ...overrides } = runOptionsFrom(args, lists);
  return {
    depth,
    name,
    // Flags left unset must not override the old bundles' values.
    overrides: {
      ...overrides,
      allowFailedDependencies: overrides.allowFailedDependencies === true ? true : undefined,
      requestNetwork: overrides.requestNetwork === true ? true : undefined,
    },
    shadow: args.shadow === true,
    dryRun: args.dryRun === true,
    memoize: args.memoize === true,
    worksheetSpec: args.worksheetSpec,
    command,
  };
}

/** Prints the plan; with -W/-t waits for the last new bundle, failing unless it ends ready. */
export async function reportMimic(
  ctx: ClContext,
  results: readonly MimicResult[],
  args: { wait?: boolean; tail?: boolean },
): Promise<void> {
  for (const { step, bundle } of results) {
    const made = bundle === null ? `${step.metadata.name}(dry run)` : `${step.metadata.name}(${bundle.uuid})`;
    ctx.out.line(`${step.old_name}(${step.old_uuid}) => ${made}`);
  }
  const last = results.at(-1)?.bundle;
  if (last === undefined || last === null) return;
  if (args.wait || args.tail) {
    const { followBundle, RUN_OUTPUT, unlessReady } = await import("./follow.ts");
    const client = await ctx.currentClient();
    const final = await followBundle(client, last.uuid, {
      out: ctx.out,
      tail: args.tail ? RUN_OUTPUT : [],
      fromStart: true,
    });
    ctx.out.line(final.uuid);
    const refusal = unlessReady(final);
    if (refusal !== null) throw refusal;
    return;
  }
  ctx.out.line(last.uuid);
}
