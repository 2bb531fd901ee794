/**
 * Step 2 of interpretation: a synchronous fold of item events into blocks, with CodaLab's rules
 * (spec §5.7): markup lines merge until a blank line; consecutive bundles form one group rendered
 * with the current `% display`, which resets after any other item; `% schema`/`% add`/
 * `% addschema` runs define schemas visible to everything after them and emit a schema block;
 * consecutive sub-worksheets form one block; failing lines become error blocks.
 */
import { CodalabError } from "../errors.ts";
import {
  type BlockPosition,
  type BundlesSpec,
  type FileCellRequest,
  fetchStatus,
  type GraphBlock,
  type InterpretedWorksheet,
  type MarkupBlock,
  type RecordBlock,
  readyStatus,
  type TableBlock,
  type WorksheetBlock,
} from "./blocks.ts";
import { type BlockBundleInfo, isMaskedBundle, type WorksheetInfo } from "./data-access.ts";
import { DEFAULT_DISPLAY, type Directive, type DisplaySpec } from "./directive-tokens.ts";
import { interpretGenpath, isFileGenpath } from "./genpath.ts";
import { builtinSchemas, resolveColumns, type SchemaColumn, schemaColumnFromArgs } from "./schemas.ts";
import { cellFor, cellText, toCell } from "./table-cells.ts";

export interface Origin {
  /** Index of the source line (item) the event comes from. */
  raw: number;
  id: number | null;
  sort_key: number | null;
}

export type FoldedDirective = Extract<Directive, { kind: "schema" | "add" | "addschema" | "display" }>;

export type FoldEvent =
  | { kind: "markup"; text: string; origin: Origin }
  | { kind: "bundle"; info: BlockBundleInfo; origin: Origin }
  | { kind: "worksheet"; info: WorksheetInfo; origin: Origin }
  | { kind: "directive"; directive: FoldedDirective; origin: Origin }
  | { kind: "placeholder"; directive: string; keepsDisplay: boolean; origin: Origin }
  | { kind: "error"; message: string; inSchemaRun: boolean; origin: Origin };

interface SchemaRun {
  name: string;
  /** The same array as in the schema map, so the schema is usable while being defined. */
  columns: SchemaColumn[];
  ids: (number | null)[];
  sort_keys: (number | null)[];
  lines: { raw: number; row: number }[];
}

interface GroupEntry<T> {
  info: T;
  origin: Origin;
}

/** A graph legend that comes from a file genpath, read with the file cells. */
export interface GraphName {
  block: GraphBlock;
  trajectory: number;
  request: FileCellRequest;
}

export class BlockFolder {
  readonly blocks: WorksheetBlock[] = [];
  readonly rawToBlock: (BlockPosition | null)[] = [];
  readonly graphNames: GraphName[] = [];
  private display: DisplaySpec = DEFAULT_DISPLAY;
  private readonly schemas = builtinSchemas();
  private schemaRun: SchemaRun | null = null;
  private bundles: GroupEntry<BlockBundleInfo>[] = [];
  private worksheets: GroupEntry<WorksheetInfo>[] = [];
  private lastWasBlank = true;

  processAll(events: readonly FoldEvent[]): void {
    for (const event of events) this.process(event);
  }

  process(event: FoldEvent): void {
    if (event.kind !== "bundle") this.flushBundles();
    if (event.kind !== "worksheet") this.flushWorksheets();
    // `% display` applies only to the bundles (or bundle search) right after it.
    const keepsDisplay = event.kind === "bundle" || (event.kind === "placeholder" && event.keepsDisplay);
    if (!keepsDisplay) this.display = DEFAULT_DISPLAY;
    const continuesSchema =
      (event.kind === "directive" && (event.directive.kind === "add" || event.directive.kind === "addschema")) ||
      (event.kind === "error" && event.inSchemaRun);
    if (!continuesSchema) this.endSchemaRun();
    try {
      this.dispatch(event);
    } catch (error) {
      if (!(error instanceof CodalabError)) throw error;
      this.error(error.message, event.origin);
    }
    this.lastWasBlank = event.kind === "markup" ? event.text === "" : true;
  }

  finish(): void {
    this.flushBundles();
    this.flushWorksheets();
    this.endSchemaRun();
  }

  private dispatch(event: FoldEvent): void {
    switch (event.kind) {
      case "markup":
        this.markup(event.text, event.origin);
        return;
      case "bundle":
        this.bundles.push({ info: event.info, origin: event.origin });
        return;
      case "worksheet":
        this.worksheets.push({ info: event.info, origin: event.origin });
        return;
      case "placeholder":
        this.focus(
          event.origin.raw,
          this.push({ mode: "placeholder_block", directive: event.directive, ...originsOf([event.origin]) }),
        );
        return;
      case "error":
        this.error(event.message, event.origin);
        return;
      case "directive":
        this.directive(event.directive, event.origin);
        return;
    }
  }

  private directive(directive: FoldedDirective, origin: Origin): void {
    switch (directive.kind) {
      case "display":
        this.display = directive.display;
        return;
      case "schema": {
        const columns: SchemaColumn[] = [];
        this.schemas.set(directive.name, columns);
        this.schemaRun = { name: directive.name, columns, ids: [], sort_keys: [], lines: [] };
        this.addToRun(this.schemaRun, origin, 0);
        return;
      }
      case "add": {
        const run = this.requireRun("add");
        const row = run.columns.length;
        run.columns.push(schemaColumnFromArgs(directive.args, run.name));
        this.addToRun(run, origin, row);
        return;
      }
      case "addschema": {
        const run = this.requireRun("addschema");
        const copied = this.schemas.get(directive.name);
        if (copied === undefined) throw new CodalabError("VALIDATION_FAILED", `unknown schema \`${directive.name}\``);
        const row = run.columns.length;
        run.columns.push(...copied.map((column) => ({ ...column, from_schema_name: directive.name })));
        this.addToRun(run, origin, row);
        return;
      }
    }
  }

  private requireRun(command: string): SchemaRun {
    if (this.schemaRun === null) {
      throw new CodalabError("VALIDATION_FAILED", `\`${command}\` must be preceded by \`schema\` directive`);
    }
    return this.schemaRun;
  }

  private addToRun(run: SchemaRun, origin: Origin, row: number): void {
    run.ids.push(origin.id);
    run.sort_keys.push(origin.sort_key);
    run.lines.push({ raw: origin.raw, row });
  }

  endSchemaRun(): void {
    const run = this.schemaRun;
    if (run === null) return;
    this.schemaRun = null;
    const index = this.push({
      mode: "schema_block",
      schema_name: run.name,
      header: ["field", "generalized-path", "post-processor"],
      field_rows: run.columns.map((column) => ({
        field: column.name,
        genpath: column.genpath,
        post_processor: column.post,
        from_schema_name: column.from_schema_name,
      })),
      ids: run.ids,
      sort_keys: run.sort_keys,
    });
    const lastRow = Math.max(run.columns.length - 1, 0);
    for (const { raw, row } of run.lines) this.focus(raw, index, Math.min(row, lastRow));
  }

  /** Rule 1: consecutive non-blank markup lines form one block; a blank line ends it. */
  private markup(text: string, origin: Origin): void {
    if (text === "") return;
    const last = this.blocks[this.blocks.length - 1];
    if (!this.lastWasBlank && last?.mode === "markup_block" && !last.error) {
      last.text += `\n${text}`;
      last.ids.push(origin.id);
      last.sort_keys.push(origin.sort_key);
      this.focus(origin.raw, this.blocks.length - 1);
      return;
    }
    this.focus(origin.raw, this.push(markupBlock(text, false, [origin])));
  }

  /** Rule 8. */
  private error(message: string, origin: Origin): void {
    this.focus(
      origin.raw,
      this.push(markupBlock(`Error in source line ${origin.raw + 1}: ${message}`, true, [origin])),
    );
  }

  private flushWorksheets(): void {
    const group = this.worksheets;
    if (group.length === 0) return;
    this.worksheets = [];
    const index = this.push({
      mode: "subworksheets_block",
      subworksheet_infos: group.map((entry) => entry.info),
      ...originsOf(group.map((entry) => entry.origin)),
    });
    group.forEach((entry, row) => {
      this.focus(entry.origin.raw, index, row);
    });
  }

  /** Rule 2: the current run of bundles, rendered with the current display. */
  private flushBundles(): void {
    const group = this.bundles;
    if (group.length === 0) return;
    this.bundles = [];
    const display = this.display;
    const firstSourceIndex = group[0]?.origin.raw ?? 0;
    switch (display.mode) {
      case "hidden":
        return;
      case "table": {
        const columns = resolveColumns(display.schemas, this.schemas);
        const block: TableBlock = {
          mode: "table_block",
          bundles_spec: bundlesSpec(group.map((entry) => entry.info)),
          status: fetchStatus("unknown"),
          header: columns.map((column) => column.name),
          rows: group.map((entry) => Object.fromEntries(columns.map((c) => [c.name, cellFor(entry.info, c)]))),
          first_bundle_source_index: firstSourceIndex,
          using_schemas: display.schemas,
          ...originsOf(group.map((entry) => entry.origin)),
        };
        const index = this.push(block);
        group.forEach((entry, row) => {
          this.focus(entry.origin.raw, index, row);
        });
        return;
      }
      case "record": {
        const columns = resolveColumns(display.schemas, this.schemas);
        for (const entry of group) {
          const block: RecordBlock = {
            mode: "record_block",
            bundles_spec: bundlesSpec([entry.info]),
            status: fetchStatus("unknown"),
            header: ["key", "value"],
            rows: columns.map((column) => ({ key: column.name, value: cellFor(entry.info, column) })),
            first_bundle_source_index: firstSourceIndex,
            using_schemas: display.schemas,
            ...originsOf([entry.origin]),
          };
          this.focus(entry.origin.raw, this.push(block));
        }
        return;
      }
      case "graph":
        this.flushGraph(display, group);
        return;
      default:
        for (const entry of group) this.flushFileBlock(display, entry);
    }
  }

  private flushFileBlock(
    display: Extract<DisplaySpec, { mode: "contents" | "image" | "html" }>,
    entry: GroupEntry<BlockBundleInfo>,
  ): void {
    if (entry.info.bundle_type === "invalid") {
      this.focus(entry.origin.raw, this.push(markupBlock("ERROR: cannot access bundle", true, [entry.origin])));
      return;
    }
    const common = {
      bundles_spec: bundlesSpec([entry.info]),
      target_genpath: display.target,
      status: fetchStatus("unknown"),
      ...originsOf([entry.origin]),
    };
    const block: WorksheetBlock =
      display.mode === "contents"
        ? { mode: "contents_block", ...common, max_lines: display.max_lines, lines: null }
        : display.mode === "image"
          ? { mode: "image_block", ...common, width: display.width, height: display.height }
          : { mode: "html_block", ...common };
    this.focus(entry.origin.raw, this.push(block));
  }

  private flushGraph(display: Extract<DisplaySpec, { mode: "graph" }>, group: GroupEntry<BlockBundleInfo>[]): void {
    const fromFile = isFileGenpath(display.display_name);
    const block: GraphBlock = {
      mode: "graph_block",
      bundles_spec: bundlesSpec(group.map((entry) => entry.info)),
      target_genpath: display.target,
      status: fetchStatus("unknown"),
      trajectories: group.map(({ info }) => ({
        bundle_uuid: info.uuid,
        display_name: fromFile
          ? String(info.metadata.name ?? "")
          : cellText(toCell(interpretGenpath(info, display.display_name))),
        target_genpath: display.target,
        points: null,
      })),
      max_lines: display.max_lines,
      x: display.x,
      y: display.y,
      xlabel: display.xlabel,
      ylabel: display.ylabel,
      ...originsOf(group.map((entry) => entry.origin)),
    };
    const index = this.push(block);
    group.forEach(({ info, origin }, row) => {
      this.focus(origin.raw, index, row);
      // A legend read from a file (`display_name=/label.txt`) is filled in step 3.
      if (fromFile && !isMaskedBundle(info)) {
        this.graphNames.push({
          block,
          trajectory: row,
          request: { bundle_uuid: info.uuid, genpath: display.display_name, post: null },
        });
      }
    });
  }

  private push(block: WorksheetBlock): number {
    this.blocks.push(block);
    return this.blocks.length - 1;
  }

  /** The first block a source line produced is where the editor focuses for it. */
  private focus(raw: number, block: number, row = 0): void {
    if (this.rawToBlock[raw] == null) this.rawToBlock[raw] = [block, row];
  }
}

function markupBlock(text: string, error: boolean, origins: readonly Origin[]): MarkupBlock {
  return { mode: "markup_block", text, error, ...originsOf(origins) };
}

function originsOf(origins: readonly Origin[]): { ids: (number | null)[]; sort_keys: (number | null)[] } {
  return { ids: origins.map((o) => o.id), sort_keys: origins.map((o) => o.sort_key) };
}

function bundlesSpec(infos: BlockBundleInfo[]): BundlesSpec {
  return {
    spec_type: "uuid_spec",
    uuid_spec: infos.map((info) => info.uuid),
    bundle_infos: infos,
    fetch_status: readyStatus(),
  };
}

/**
 * Rule 9: lines that produced no block (blank lines, directives, hidden bundles) focus the next
 * block; `block_to_raw` maps each position back to the last line that focuses it.
 */
export function alignSourceToBlocks(
  positions: readonly (BlockPosition | null | undefined)[],
  length: number,
): Pick<InterpretedWorksheet, "raw_to_block" | "block_to_raw"> {
  const raw_to_block: (BlockPosition | null)[] = new Array(length).fill(null);
  const block_to_raw: Record<string, number> = {};
  let next: BlockPosition | null = null;
  for (let raw = length - 1; raw >= 0; raw--) {
    const position = positions[raw] ?? null;
    if (position === null) {
      raw_to_block[raw] = next;
      continue;
    }
    raw_to_block[raw] = position;
    const key = `${position[0]},${position[1]}`;
    if (!(key in block_to_raw)) block_to_raw[key] = raw;
    next = position;
  }
  return { raw_to_block, block_to_raw };
}
