/**
 * Worksheet interpretation (spec §5.7): items → blocks. Three steps:
 *   1. fetch, in parallel: the bundles and sub-worksheets the items name, and the searches to expand;
 *   2. fold the items into blocks, synchronously, with CodaLab's rules (display resets, schema runs,
 *      markup merging, grouping of consecutive bundles / worksheets);
 *   3. read what blocks need from files (file-genpath cells, contents, graph points, image checks).
 * Bad worksheet content never throws: each failing line becomes an error markup block
 * "Error in source line N: …". Errors from the data access that are not CodalabErrors (storage or
 * database down) do propagate, because they say nothing about the worksheet.
 */
import { CodalabError } from "../errors.ts";
import { type BundleBlock, type InterpretedWorksheet, isBundleBlock, type WorksheetBlock } from "./blocks.ts";
import { maskBundleInfo, shownBundle, shownWorksheet } from "./bundle-mask.ts";
import type { BlockBundleInfo, BundleInfo, WorksheetDataAccess, WorksheetInfo, WorksheetItem } from "./data-access.ts";
import { type Directive, parseDirective, tokenizeDirective, tokensToString } from "./directive-tokens.ts";
import { alignSourceToBlocks, BlockFolder, type FoldEvent, type Origin } from "./fold-blocks.ts";
import { resolveBlocks } from "./resolve-blocks.ts";
import { renderSource } from "./source.ts";

export interface InterpretOptions {
  /**
   * Leave `% search`/`% wsearch` as placeholder blocks and file cells unread, for a fast first
   * paint; the web then loads each placeholder with `interpretSearchDirective` and the cells with
   * `resolveFileCells`.
   */
  brief?: boolean;
  /** Read file-genpath cells now ("fill") or leave them pending ("defer"). Default: defer when brief. */
  fileCells?: "fill" | "defer";
}

/** The whole worksheet: blocks, source lines and the source ↔ block alignment. */
export async function interpretWorksheet(
  items: readonly WorksheetItem[],
  access: WorksheetDataAccess,
  options: InterpretOptions = {},
): Promise<InterpretedWorksheet> {
  const brief = options.brief ?? false;
  const prepared = items.map(prepareItem);
  const fetched = await fetchAll(prepared, access, { expand: brief ? () => false : isSearch, fetchItems: true });
  const folder = new BlockFolder();
  for (const [raw, entry] of prepared.entries()) folder.processAll(eventsFor(items[raw], entry, raw, fetched));
  folder.finish();
  await resolveBlocks(folder.blocks, folder.graphNames, access, options.fileCells ?? (brief ? "defer" : "fill"));
  const { raw_to_block, block_to_raw } = alignSourceToBlocks(folder.rawToBlock, items.length);
  return {
    blocks: folder.blocks,
    raw_to_block,
    block_to_raw,
    source: renderSource(items, { bundles: fetched.bundles, worksheets: fetched.worksheets }),
  };
}

/**
 * The blocks of one `% search`/`% wsearch` (the `?directive=` request that fills a placeholder).
 * Earlier directives are replayed so schemas and the preceding `% display` apply; earlier bundles
 * are not fetched. Empty when no item has this directive or the search finds nothing.
 */
export async function interpretSearchDirective(
  items: readonly WorksheetItem[],
  access: WorksheetDataAccess,
  directive: string,
  options: Pick<InterpretOptions, "fileCells"> = {},
): Promise<WorksheetBlock[]> {
  const wanted = normalizeDirective(directive);
  const match =
    wanted === null
      ? -1
      : items.findIndex((item) => isSearch(prepareItem(item)) && normalizeDirective(item.value) === wanted);
  if (match === -1) return [];
  const prepared = items.slice(0, match + 1).map(prepareItem);
  // Earlier bundles and sub-worksheets only shape grouping, which the search does not share
  // (it starts its own block), so they are not fetched: they fold as `<invalid>` and are dropped.
  const fetched = await fetchAll(prepared, access, { expand: (entry) => entry === prepared[match], fetchItems: false });
  const folder = new BlockFolder();
  let start = 0;
  prepared.forEach((entry, raw) => {
    if (raw === match) {
      folder.finish();
      start = folder.blocks.length;
    }
    folder.processAll(eventsFor(items[raw], entry, raw, fetched));
  });
  folder.finish();
  const blocks = folder.blocks.slice(start);
  await resolveBlocks(blocks, folder.graphNames, access, options.fileCells ?? "fill");
  return blocks;
}

/**
 * Live polling of running bundles (`?bundle_uuid=…`): the fully interpreted worksheet where every
 * block that shows none of `bundleUuids` is null, so the web replaces only the blocks that changed.
 * Only the kept blocks read files.
 */
export async function interpretLiveUpdate(
  items: readonly WorksheetItem[],
  access: WorksheetDataAccess,
  bundleUuids: readonly string[],
): Promise<(WorksheetBlock | null)[]> {
  const wanted = new Set(bundleUuids);
  const prepared = items.map(prepareItem);
  const fetched = await fetchAll(prepared, access, { expand: isSearch, fetchItems: true });
  const folder = new BlockFolder();
  for (const [raw, entry] of prepared.entries()) folder.processAll(eventsFor(items[raw], entry, raw, fetched));
  folder.finish();
  const blocks = folder.blocks.map((block) =>
    isBundleBlock(block) && block.bundles_spec.uuid_spec.some((uuid) => wanted.has(uuid)) ? block : null,
  );
  await resolveBlocks(
    blocks.filter((block): block is BundleBlock => block !== null),
    folder.graphNames,
    access,
    "fill",
  );
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Step 1: prepare and fetch.

type Prepared =
  | { kind: "markup"; text: string }
  | { kind: "bundle"; uuid: string }
  | { kind: "worksheet"; uuid: string }
  | { kind: "directive"; directive: Directive; text: string }
  | { kind: "invalid"; message: string; inSchemaRun: boolean };

type SearchEntry = Extract<Prepared, { kind: "directive" }> & {
  directive: Extract<Directive, { kind: "search" | "wsearch" }>;
};

function isSearch(entry: Prepared | undefined): entry is SearchEntry {
  return entry?.kind === "directive" && (entry.directive.kind === "search" || entry.directive.kind === "wsearch");
}

function prepareItem(item: WorksheetItem): Prepared {
  switch (item.type) {
    case "markup":
      return { kind: "markup", text: item.value };
    case "bundle":
      return { kind: "bundle", uuid: item.bundle_uuid ?? "" };
    case "worksheet":
      return { kind: "worksheet", uuid: item.subworksheet_uuid ?? "" };
    case "directive":
      try {
        const tokens = tokenizeDirective(item.value);
        return { kind: "directive", directive: parseDirective(tokens), text: tokensToString(tokens) };
      } catch (error) {
        if (!(error instanceof CodalabError)) throw error;
        return {
          kind: "invalid",
          message: error.message,
          inSchemaRun: /^(add|addschema)(\s|$)/.test(item.value.trim()),
        };
      }
  }
}

function normalizeDirective(text: string): string | null {
  try {
    return tokensToString(tokenizeDirective(text));
  } catch {
    return null;
  }
}

type SearchOutcome =
  | { type: "bundles"; infos: BlockBundleInfo[] }
  | { type: "worksheets"; infos: WorksheetInfo[] }
  | { type: "aggregate"; value: number | string }
  | { type: "error"; message: string };

interface Fetched {
  bundles: ReadonlyMap<string, BundleInfo>;
  worksheets: ReadonlyMap<string, WorksheetInfo>;
  /** By index into the prepared list; searches absent from it stay placeholders. */
  searches: ReadonlyMap<number, SearchOutcome>;
}

async function fetchAll(
  prepared: readonly Prepared[],
  access: WorksheetDataAccess,
  options: { expand: (entry: Prepared) => boolean; fetchItems: boolean },
): Promise<Fetched> {
  const bundleUuids = new Set<string>();
  const worksheetUuids = new Set<string>();
  const searches: Promise<[number, SearchOutcome]>[] = [];
  prepared.forEach((entry, index) => {
    if (entry.kind === "bundle" && entry.uuid && options.fetchItems) bundleUuids.add(entry.uuid);
    else if (entry.kind === "worksheet" && entry.uuid && options.fetchItems) worksheetUuids.add(entry.uuid);
    else if (isSearch(entry) && options.expand(entry)) {
      searches.push(runSearch(access, entry).then((outcome) => [index, outcome]));
    }
  });
  const [bundles, worksheets, outcomes] = await Promise.all([
    bundleUuids.size > 0 ? access.bundles([...bundleUuids]) : new Map<string, BundleInfo>(),
    worksheetUuids.size > 0 ? access.worksheets([...worksheetUuids]) : new Map<string, WorksheetInfo>(),
    Promise.all(searches),
  ]);
  return { bundles, worksheets, searches: new Map(outcomes) };
}

async function runSearch(access: WorksheetDataAccess, entry: SearchEntry): Promise<SearchOutcome> {
  try {
    if (entry.directive.kind === "wsearch") {
      return {
        type: "worksheets",
        infos: (await access.searchWorksheets(entry.directive.keywords)).map((w) => shownWorksheet(w.uuid, w)),
      };
    }
    const result = await access.searchBundles(entry.directive.keywords);
    if (result.type === "aggregate") return { type: "aggregate", value: result.value };
    return { type: "bundles", infos: result.bundles.map(maskBundleInfo) };
  } catch (error) {
    if (error instanceof CodalabError) return { type: "error", message: error.message };
    throw error;
  }
}

/**
 * The events of one item. Comments give none: they are transparent (documented as deleted), so
 * they neither end a display, a schema run nor a markup paragraph. An expanded search gives one
 * event per result (null ids: they are not items), or none when it found nothing.
 */
function eventsFor(item: WorksheetItem | undefined, entry: Prepared, raw: number, fetched: Fetched): FoldEvent[] {
  const origin: Origin = { raw, id: item?.id ?? null, sort_key: item?.sort_key ?? null };
  switch (entry.kind) {
    case "markup":
      return [{ kind: "markup", text: entry.text, origin }];
    case "bundle":
      return [{ kind: "bundle", info: shownBundle(entry.uuid, fetched.bundles.get(entry.uuid)), origin }];
    case "worksheet":
      return [{ kind: "worksheet", info: shownWorksheet(entry.uuid, fetched.worksheets.get(entry.uuid)), origin }];
    case "invalid":
      return [{ kind: "error", message: entry.message, inSchemaRun: entry.inSchemaRun, origin }];
    case "directive":
      break;
  }
  const directive = entry.directive;
  switch (directive.kind) {
    case "comment":
      return [];
    case "search":
    case "wsearch":
      return searchEvents(fetched.searches.get(raw), entry.text, directive.kind === "search", origin);
    default:
      return [{ kind: "directive", directive, origin }];
  }
}

function searchEvents(
  outcome: SearchOutcome | undefined,
  text: string,
  bundleSearch: boolean,
  origin: Origin,
): FoldEvent[] {
  if (outcome === undefined) return [{ kind: "placeholder", directive: text, keepsDisplay: bundleSearch, origin }];
  const synthetic: Origin = { raw: origin.raw, id: null, sort_key: null };
  switch (outcome.type) {
    case "error":
      return [{ kind: "error", message: outcome.message, inSchemaRun: false, origin }];
    case "aggregate":
      return [{ kind: "markup", text: String(outcome.value), origin: synthetic }];
    case "bundles":
      return outcome.infos.map((info) => ({ kind: "bundle", info, origin: synthetic }));
    case "worksheets":
      return outcome.infos.map((info) => ({ kind: "worksheet", info, origin: synthetic }));
  }
}
