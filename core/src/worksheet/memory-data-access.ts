/**
 * An in-memory `WorksheetDataAccess` for tests here and in other packages (web components, CLI
 * rendering): bundles, worksheets and files held in maps, searches answered by callbacks. It
 * records calls so tests can check that interpretation batches its reads.
 */
import type {
  BundleInfo,
  BundleSearchResult,
  ReadFileResult,
  ReadLimits,
  TargetStatus,
  WorksheetDataAccess,
  WorksheetInfo,
} from "./data-access.ts";
import { splitLinesKeepEnds } from "./file-value.ts";

/** A file's text, or a directory. */
export type MemoryEntry = string | { directory: true };

export interface MemoryWorksheetData {
  bundles?: readonly BundleInfo[];
  worksheets?: readonly WorksheetInfo[];
  /** Keyed by bundle uuid, then by bundle-relative path ("" = the bundle itself). */
  files?: Readonly<Record<string, Readonly<Record<string, MemoryEntry>>>>;
  searchBundles?: (keywords: readonly string[]) => BundleSearchResult | Promise<BundleSearchResult>;
  searchWorksheets?: (keywords: readonly string[]) => WorksheetInfo[] | Promise<WorksheetInfo[]>;
}

export interface MemoryDataAccess extends WorksheetDataAccess {
  /** One entry per call: `bundles 0x1,0x2`, `readFile 0x1 stdout 10`, `search a b`, … */
  readonly calls: string[];
}

export function createMemoryDataAccess(data: MemoryWorksheetData): MemoryDataAccess {
  const bundles = new Map((data.bundles ?? []).map((info) => [info.uuid, info]));
  const worksheets = new Map((data.worksheets ?? []).map((info) => [info.uuid, info]));
  const calls: string[] = [];

  const lookup = (bundleUuid: string, path: string): MemoryEntry | "forbidden" | undefined => {
    const info = bundles.get(bundleUuid);
    if (info === undefined) return undefined;
    if (info.permission === "none") return "forbidden";
    return data.files?.[bundleUuid]?.[path];
  };

  return {
    calls,
    async bundles(uuids) {
      calls.push(`bundles ${uuids.join(",")}`);
      return new Map(uuids.flatMap((uuid) => bundles.get(uuid) ?? []).map((info) => [info.uuid, info]));
    },
    async worksheets(uuids) {
      calls.push(`worksheets ${uuids.join(",")}`);
      return new Map(uuids.flatMap((uuid) => worksheets.get(uuid) ?? []).map((info) => [info.uuid, info]));
    },
    async searchBundles(keywords) {
      calls.push(`search ${keywords.join(" ")}`);
      return data.searchBundles ? data.searchBundles(keywords) : { type: "bundles", bundles: [] };
    },
    async searchWorksheets(keywords) {
      calls.push(`wsearch ${keywords.join(" ")}`);
      return data.searchWorksheets ? data.searchWorksheets(keywords) : [];
    },
    async readFile(bundleUuid: string, path: string, limits: ReadLimits): Promise<ReadFileResult> {
      calls.push(`readFile ${bundleUuid} ${path} ${limits.maxLines}`);
      const entry = lookup(bundleUuid, path);
      if (entry === undefined) return { type: "not_found" };
      if (entry === "forbidden") return { type: "forbidden" };
      if (typeof entry !== "string") return { type: "directory" };
      return { type: "text", text: splitLinesKeepEnds(entry).slice(0, limits.maxLines).join("") };
    },
    async statTarget(bundleUuid: string, path: string): Promise<TargetStatus> {
      calls.push(`statTarget ${bundleUuid} ${path}`);
      const entry = lookup(bundleUuid, path);
      if (entry === undefined) return "not_found";
      if (entry === "forbidden") return "forbidden";
      return typeof entry === "string" ? "file" : "directory";
    },
  };
}

/** A ready, readable dataset bundle with `fields` (and `name`) filled in: a builder for tests. */
export function makeBundleInfo(fields: Partial<BundleInfo> & { uuid: string; name?: string }): BundleInfo {
  const { name, ...rest } = fields;
  return {
    bundle_type: "dataset",
    state: "ready",
    command: null,
    owner_id: "1",
    owner_name: "alice",
    is_anonymous: false,
    frozen: null,
    dependencies: [],
    permission: "all",
    ...rest,
    metadata: { name: name ?? "bundle", ...rest.metadata },
  };
}
