/**
 * Core's `WorksheetDataAccess` over D1 and R2 for one caller and one request. Bundle infos come
 * from one round of queries (`loadBundleInfos`); rows are kept so file reads need no second
 * lookup. A file path whose first part is a dependency key and not a real file is followed into
 * the parent bundle (spec §4.3), which must be readable too.
 */
import {
  type BundleInfo,
  type BundleSearchResult,
  CodalabError,
  type PermissionCaller,
  parseBundleKeywords,
  parseWorksheetKeywords,
  type ReadFileResult,
  type ReadLimits,
  type TargetStatus,
  type WorksheetDataAccess,
} from "@codalab/core";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { searchBundles } from "../bundles/bundle-search.ts";
import type { Db } from "../db/client.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import { loadBundleInfos } from "./bundle-infos.ts";
import { readBundleFile, statBundleTarget } from "./file-reads.ts";
import { loadWorksheetInfos } from "./worksheet-infos.ts";
import { searchWorksheets } from "./worksheet-search.ts";

export type DataAccessContext = { db: Db; env: Env; store: BundleStore; caller: PermissionCaller };

/** Dependencies followed in a row (a → its parent → …) before giving up: cycles cannot exist, deep chains are silly. */
const MAX_DEPENDENCY_HOPS = 8;

type Located = { row: BundleRow; path: string } | "not_found" | "forbidden";

export function worksheetDataAccess(context: DataAccessContext): WorksheetDataAccess {
  const { db, env, store, caller } = context;
  const infos = new Map<string, BundleInfo>();
  const rows = new Map<string, BundleRow>();
  /** Lookups done or under way, by uuid, so each bundle is loaded once per request. */
  const lookups = new Map<string, Promise<void>>();
  /** Uuids asked for in this tick, loaded together by one `loadBundleInfos` (one round of queries). */
  let queued: string[] = [];
  let batchDone: Promise<void> = Promise.resolve();

  async function load(uuids: readonly string[]): Promise<Map<string, BundleInfo>> {
    const loaded = await loadBundleInfos(db, caller, uuids);
    for (const [uuid, info] of loaded.infos) infos.set(uuid, info);
    for (const [uuid, row] of loaded.rows) rows.set(uuid, row);
    for (const uuid of uuids) if (!lookups.has(uuid)) lookups.set(uuid, Promise.resolve());
    return loaded.infos;
  }

  /**
   * File reads arrive one per cell (`resolveFileCells` asks for all of them at once): the bundles
   * they need are gathered over the current tick and loaded in one batch, not one by one.
   */
  function lookup(uuid: string): Promise<void> {
    const existing = lookups.get(uuid);
    if (existing !== undefined) return existing;
    if (queued.length === 0) {
      const batch = queued;
      batchDone = Promise.resolve().then(async () => {
        queued = [];
        await load(batch);
      });
    }
    queued.push(uuid);
    lookups.set(uuid, batchDone);
    return batchDone;
  }

  async function known(uuid: string): Promise<{ info: BundleInfo; row: BundleRow } | undefined> {
    await lookup(uuid);
    const info = infos.get(uuid);
    const row = rows.get(uuid);
    return info === undefined || row === undefined ? undefined : { info, row };
  }

  /** The readable bundle and path a read lands on, through dependency keys when the path is not in the bundle. */
  async function locate(
    uuid: string,
    path: string,
    exists: (row: BundleRow, path: string) => Promise<boolean>,
  ): Promise<Located> {
    let current = uuid;
    let currentPath = path;
    for (let hop = 0; hop <= MAX_DEPENDENCY_HOPS; hop += 1) {
      const found = await known(current);
      if (found === undefined) return "not_found";
      if (found.info.permission === "none") return "forbidden";
      if (await exists(found.row, currentPath)) return { row: found.row, path: currentPath };
      const dependency = found.info.dependencies.find(
        (d) => d.child_path !== "" && (currentPath === d.child_path || currentPath.startsWith(`${d.child_path}/`)),
      );
      if (dependency === undefined) return "not_found";
      const rest = currentPath.slice(dependency.child_path.length).replace(/^\//, "");
      current = dependency.parent_uuid;
      currentPath = [dependency.parent_path, rest].filter((part) => part !== "").join("/");
    }
    return "not_found";
  }

  const statusOf = async (row: BundleRow, path: string) =>
    quietly(() => statBundleTarget(env, store, row, path), "not_found");
  const exists = async (row: BundleRow, path: string) => (await statusOf(row, path)) !== "not_found";

  return {
    bundles: load,
    worksheets: (uuids) => loadWorksheetInfos(db, caller, uuids),
    async searchBundles(keywords): Promise<BundleSearchResult> {
      const result = await searchBundles(db, caller, parseBundleKeywords(keywords));
      if (result.kind === "aggregate") return { type: "aggregate", value: result.result ?? 0 };
      const loaded = await load(result.uuids);
      return {
        type: "bundles",
        bundles: result.uuids.flatMap((uuid) => {
          const info = loaded.get(uuid);
          return info === undefined || info.permission === "none" ? [] : [info];
        }),
      };
    },
    async searchWorksheets(keywords) {
      const { uuids } = await searchWorksheets(db, caller, parseWorksheetKeywords(keywords));
      const loaded = await loadWorksheetInfos(db, caller, uuids);
      return uuids.flatMap((uuid) => loaded.get(uuid) ?? []);
    },
    async readFile(uuid: string, path: string, limits: ReadLimits): Promise<ReadFileResult> {
      const target = await locate(uuid, path, exists);
      if (target === "not_found" || target === "forbidden") return { type: target };
      return quietly(() => readBundleFile(env, store, target.row, target.path, limits), { type: "not_found" });
    },
    async statTarget(uuid: string, path: string): Promise<TargetStatus> {
      const target = await locate(uuid, path, exists);
      if (target === "not_found" || target === "forbidden") return target;
      return statusOf(target.row, target.path);
    },
  };
}

/**
 * A missing path, a bundle without contents or a broken archive is a property of one bundle: the
 * cell shows nothing instead of failing the whole worksheet. Storage outages still propagate.
 */
async function quietly<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CodalabError && ["NOT_FOUND", "INVALID_PATH", "INVALID_ARCHIVE"].includes(error.code)) {
      return fallback;
    }
    throw error;
  }
}
