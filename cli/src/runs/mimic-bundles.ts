/**
 * What `cl mimic` and `cl macro` share (spec §10.1): the specs resolved, the graph fetched from
 * `GET /rest/bundle-graph`, the plan computed by core's `planMimic`, then each new bundle created
 * in dependency order and placed on a worksheet (after each occurrence of the old bundle with
 * `--shadow`, else appended to the current worksheet with the old bundle's prelude).
 */

import type { RunOptions } from "@codalab/core/runs/derived-request";
import { type MimicStep, mimicForm, mimicRequestBody, planMimic, preludeItems } from "@codalab/core/runs/mimic-plan";
import type { ApiClient } from "../api/api-client.ts";
import { parseBundleEnvelope, parseBundleList, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import type { ClContext } from "../context.ts";
import { EXIT_USAGE } from "../errors/cli-error.ts";
import { withHint } from "../errors/with-hint.ts";
import { addItems, type NewItem } from "../worksheets/add-items.ts";
import { fetchWorksheet, type WorksheetTarget } from "../worksheets/current-worksheet.ts";
import { createDerivedBundle, hostWorksheet } from "./derived-bundles.ts";
import { memoizedRun } from "./memoized-run.ts";
import { fieldHint } from "./run-metadata-args.ts";

export type MimicOptions = {
  depth: number;
  /** `-n`: the new output's name. */
  name?: string;
  /** Metadata and `--request-*` flags given (unset ones keep the old bundles' values). */
  overrides: RunOptions;
  shadow: boolean;
  dryRun: boolean;
  memoize: boolean;
  worksheetSpec?: string;
  /** The command, for hints (`mimic` or `macro`). */
  command: "mimic" | "macro";
};

/** One line of the plan: `old(0x…) => new(0x…)`, as CodaLab prints it. */
export type MimicResult = { step: MimicStep; bundle: WireBundle | null };

async function fetchGraph(client: ApiClient, uuids: readonly string[], direction: string, depth: number) {
  const body = await client.get("/rest/bundle-graph", { query: { uuid: uuids, direction, depth } });
  return parseResponse("GET /rest/bundle-graph", body, parseBundleList);
}

function planHint(error: { code: string; message: string }, command: string): string | undefined {
  if (/^nothing to recreate: .* is an uploaded/.test(error.message)) {
    return `give the run to re-run, or swap the upload for another: cl ${command} <old input> <new input>`;
  }
  if (/^nothing to recreate/.test(error.message)) {
    return "check that the bundles are the old inputs, then the new ones, or raise --depth";
  }
  if (/form a cycle/.test(error.message)) return "the bundles' dependencies must form a graph without cycles";
  return undefined;
}

/** Computes the plan and, unless `--dry-run`, carries it out. */
export async function mimicBundles(
  ctx: ClContext,
  specs: readonly string[],
  options: MimicOptions,
): Promise<MimicResult[]> {
  const usage = (error: unknown) =>
    withHint(error, () => `usage: cl ${options.command} (see \`cl help ${options.command}\`)`, EXIT_USAGE);
  try {
    mimicForm(specs);
  } catch (error) {
    throw usage(error);
  }
  let resolved: Awaited<ReturnType<typeof resolveBundles>>;
  try {
    resolved = await resolveBundles(ctx, specs, { worksheetSpec: options.worksheetSpec });
  } catch (error) {
    throw withHint(error, ({ code }) =>
      code === "NOT_FOUND" ? "check the specs with `cl search <name>` or `cl info <spec>`" : undefined,
    );
  }
  const form = mimicForm(resolved.map((found) => found.bundle.uuid));
  const client = (resolved[0] ?? { client: await ctx.currentClient() }).client;
  const graphBundles =
    form.oldOutput !== null
      ? await fetchGraph(client, [form.oldOutput], "parents", options.depth)
      : await fetchGraph(client, form.oldInputs, "children", options.depth);
  let steps: MimicStep[];
  try {
    steps = planMimic({
      form,
      graph: new Map(graphBundles.map((bundle) => [bundle.uuid, bundle])),
      order: graphBundles.map((bundle) => bundle.uuid),
      depth: options.depth,
      name: options.name,
      overrides: options.overrides,
    });
  } catch (error) {
    throw withHint(error, (refusal) => fieldHint(refusal) ?? planHint(refusal, options.command));
  }
  if (options.dryRun) return steps.map((step) => ({ step, bundle: null }));

  const host = await hostWorksheet(ctx, options.worksheetSpec);
  const placement = options.shadow ? null : await preludeSource(host, form.oldInputs[0] ?? form.oldOutput);
  const created: string[] = [];
  const results: MimicResult[] = [];
  for (const step of steps) {
    const body = mimicRequestBody(step, created);
    let bundle: WireBundle | null = null;
    if (options.memoize && body.bundle_type === "run") {
      bundle = await memoizedRun(
        host,
        body.command,
        body.dependencies.map((d) => ({ key: d.child_path, parent_uuid: d.parent_uuid, parent_path: d.parent_path })),
      );
    }
    if (bundle === null) {
      if (options.shadow) {
        bundle = await createShadowing(host, step.old_uuid, body, step.bundle_type);
      } else {
        const prelude = placement === null ? [] : preludeItems(placement, step.old_uuid);
        await addItems(host, prelude.map(copyItem));
        bundle = await createDerivedBundle(host.client, { ...body, worksheet_uuid: host.uuid }, step.bundle_type);
      }
    }
    created.push(bundle.uuid);
    results.push({ step, bundle });
  }
  return results;
}

type CreateBody = ReturnType<typeof mimicRequestBody>;
type Item = Awaited<ReturnType<typeof fetchWorksheet>>["items"][number];

function copyItem(item: Item): NewItem {
  return { type: item.type, value: item.value };
}

/**
 * The items of the worksheet the old bundles' preludes are copied from: the first worksheet
 * holding the first old input (or the re-run bundle) that the user can read.
 */
async function preludeSource(host: WorksheetTarget, uuid: string | null): Promise<Item[] | null> {
  if (uuid === null) return null;
  const body = await host.client.get(`/rest/bundles/${uuid}`, { query: { include: "host_worksheets" } });
  const bundle = parseResponse(`GET /rest/bundles/${uuid}`, body, parseBundleEnvelope);
  const first = bundle.host_worksheets?.[0];
  if (first === undefined) return null;
  return (await fetchWorksheet(host.client, first.uuid)).items;
}

/**
 * `--shadow`: the new bundle goes right after every occurrence of the old one on every worksheet
 * the user can edit (others are left alone). It is created on the first of them, so it takes that
 * worksheet's permissions as any new bundle does, and moved from the end to its place in the same
 * change that inserts it. With no editable worksheet it is appended to the current one.
 */
async function createShadowing(host: WorksheetTarget, oldUuid: string, body: CreateBody, kind: "run" | "make") {
  const response = await host.client.get(`/rest/bundles/${oldUuid}`, { query: { include: "host_worksheets" } });
  const old = parseResponse(`GET /rest/bundles/${oldUuid}`, response, parseBundleEnvelope);
  const editable: string[] = [];
  for (const ref of old.host_worksheets ?? []) {
    const { worksheet } = await fetchWorksheet(host.client, ref.uuid);
    if (worksheet.permission === "all" && worksheet.frozen === null) editable.push(ref.uuid);
  }
  const [first] = editable;
  const bundle = await createDerivedBundle(host.client, { ...body, worksheet_uuid: first ?? host.uuid }, kind);
  for (const uuid of editable) {
    const { items } = await fetchWorksheet(host.client, uuid);
    const appended = items.findLast((item) => item.bundle_uuid === bundle.uuid);
    // From the end, so each insertion leaves the items before it where they were.
    const occurrences = items.filter((item) => item.type === "bundle" && item.bundle_uuid === oldUuid).reverse();
    for (const [index, item] of occurrences.entries()) {
      const moving = index === 0 && appended !== undefined ? { replace_ids: [appended.id] } : {};
      await host.client.post(`/rest/worksheets/${uuid}/items`, {
        items: [{ type: "bundle", bundle_uuid: bundle.uuid }],
        after_id: item.id,
        ...moving,
      });
    }
  }
  return bundle;
}
