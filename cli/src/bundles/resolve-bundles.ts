/**
 * Bundle and target specs → bundles, through the server's resolver (`GET /rest/bundles?specs=`).
 * Specs are parsed here first so a typo fails before any request; specs naming another instance
 * (`alias::ws//bundle`) go to that instance's client. Names and `^N` are worksheet-relative (spec
 * §4.1): they are looked up on the current worksheet, or on the one `-w` names.
 */
import { type BundleSpec, formatBundleSpec, parseBundleSpec } from "@codalab/core/spec/bundle-spec";
import { parseTargetSpec } from "@codalab/core/spec/target-spec";
import type { ApiClient } from "../api/api-client.ts";
import { parseBundleEnvelope, parseBundleList, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import type { ClContext } from "../context.ts";
import { CodalabError } from "../core-light.ts";
import { worksheetTarget } from "../worksheets/current-worksheet.ts";

export type ResolvedBundle = { client: ApiClient; bundle: WireBundle };
export type ResolvedTarget = ResolvedBundle & { subpath: string };

export type ResolveOptions = {
  /** `-w`: the worksheet names and `^N` are looked up on (default: the current worksheet). */
  worksheetSpec?: string;
};

/** Whether the server needs a base worksheet for this spec: a name or `^N` without `ws//`, or `.//`. */
function needsBaseWorksheet(spec: BundleSpec): boolean {
  if (spec.worksheet !== null) return spec.worksheet.kind === "current";
  return spec.ref.kind === "name" || spec.ref.kind === "index";
}

/** Resolves specs in order (one request per instance named). */
export async function resolveBundles(
  ctx: ClContext,
  specs: readonly string[],
  options: ResolveOptions = {},
): Promise<ResolvedBundle[]> {
  const parsed = specs.map((text) => parseBundleSpec(text));
  const byInstance = new Map<string | null, number[]>();
  for (const [index, spec] of parsed.entries()) {
    const positions = byInstance.get(spec.instance) ?? [];
    positions.push(index);
    byInstance.set(spec.instance, positions);
  }
  const resolved: ResolvedBundle[] = new Array(parsed.length);
  for (const [instance, positions] of byInstance) {
    const group = positions.map((position) => {
      const spec = parsed[position];
      if (spec === undefined) throw new CodalabError("INTERNAL", "lost a bundle spec while resolving");
      return spec;
    });
    let client = instance === null ? await ctx.currentClient() : ctx.client(await ctx.resolveInstance(instance));
    let worksheet: string | undefined;
    if (instance === null && (options.worksheetSpec !== undefined || group.some(needsBaseWorksheet))) {
      const base = await worksheetTarget(ctx, options.worksheetSpec);
      client = base.client;
      worksheet = base.uuid;
    }
    const texts = group.map((spec) => formatBundleSpec(spec, { withInstance: false }));
    const body = await client.get("/rest/bundles", { query: { specs: texts, worksheet } });
    const bundles = parseResponse("GET /rest/bundles", body, parseBundleList);
    if (bundles.length !== texts.length) {
      throw new CodalabError(
        "INTERNAL",
        `asked ${client.address} for ${texts.length} bundles and got ${bundles.length}`,
      );
    }
    for (const [i, position] of positions.entries()) {
      const bundle = bundles[i];
      if (bundle) resolved[position] = { client, bundle };
    }
  }
  return resolved;
}

export async function resolveBundle(
  ctx: ClContext,
  spec: string,
  options: ResolveOptions = {},
): Promise<ResolvedBundle> {
  const [only] = await resolveBundles(ctx, [spec], options);
  if (only === undefined) throw new CodalabError("NOT_FOUND", `no bundle matches ${JSON.stringify(spec)}`);
  return only;
}

/** `<bundle_spec>[/<subpath>]` → the bundle and the normalized subpath ("" for the bundle itself). */
export async function resolveTarget(
  ctx: ClContext,
  text: string,
  options: ResolveOptions = {},
): Promise<ResolvedTarget> {
  const target = parseTargetSpec(text);
  const { client, bundle } = await resolveBundle(ctx, target.bundleText, options);
  return { client, bundle, subpath: target.subpath };
}

/** Where a target lives; `bundle` only when resolving its spec needed a request. */
export type LocatedTarget = { client: ApiClient; uuid: string; subpath: string; bundle: WireBundle | undefined };

/**
 * Like resolveTarget, but a full uuid is taken as it is, without asking the server (as CodaLab
 * does): commands that only read contents then make a single request.
 */
export async function locateTarget(ctx: ClContext, text: string, options: ResolveOptions = {}): Promise<LocatedTarget> {
  const target = parseTargetSpec(text);
  const spec = parseBundleSpec(target.bundleText);
  if (spec.ref.kind === "uuid") {
    const client =
      spec.instance === null ? await ctx.currentClient() : ctx.client(await ctx.resolveInstance(spec.instance));
    return { client, uuid: spec.ref.uuid, subpath: target.subpath, bundle: undefined };
  }
  const { client, bundle } = await resolveBundle(ctx, target.bundleText, options);
  return { client, uuid: bundle.uuid, subpath: target.subpath, bundle };
}

/** One bundle by uuid, with related lists (`children`, `host_worksheets`, `group_permissions`). */
export async function fetchBundle(
  client: ApiClient,
  uuid: string,
  include: readonly string[] = [],
): Promise<WireBundle> {
  const query = { include: include.length > 0 ? include.join(",") : undefined };
  const body = await client.get(`/rest/bundles/${uuid}`, { query });
  return parseResponse(`GET /rest/bundles/${uuid}`, body, parseBundleEnvelope);
}

/** `/rest/bundles/<uuid>/contents/<kind>/<path>`, each path segment escaped. */
export function contentsPath(uuid: string, kind: "info" | "blob", subpath: string): string {
  const encoded = subpath === "" ? "" : subpath.split("/").map(encodeURIComponent).join("/");
  return `/rest/bundles/${uuid}/contents/${kind}/${encoded}`;
}
