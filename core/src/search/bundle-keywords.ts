/**
 * The bundle search language (spec §5.6; `cl search`, `% search`, `GET /bundles?keywords=`)
 * parsed into a typed query. Compiling it to SQL, restricting results to readable bundles and
 * resolving user/group names are the server's job.
 */
import { CodalabError } from "../errors.ts";
import { parseIsoDateTime } from "./iso-date.ts";
import {
  DEFAULT_SEARCH_LIMIT,
  parseCount,
  type SearchCondition,
  type SearchSortKey,
  SUM,
  sortDirection,
  splitKeyword,
  toCondition,
  wildcardToLike,
} from "./keyword-parts.ts";

/** Fields that are columns of CodaLab's bundle table; every other field is a metadata key. */
export const BUNDLE_COLUMN_FIELDS = ["uuid", "id", "state", "command", "owner_id", "bundle_type"] as const;
export type BundleColumnField = (typeof BUNDLE_COLUMN_FIELDS)[number];

export const BUNDLE_KEY_SHORTCUTS: Readonly<Record<string, string>> = {
  type: "bundle_type",
  size: "data_size",
  worksheet: "host_worksheet",
};

/** Sorted as text; CodaLab casts every other field to a number (`data_size`, `created`, `time`...). */
export const TEXT_SORT_FIELDS: readonly string[] = [
  "name",
  "uuid",
  "state",
  "command",
  "bundle_type",
  "owner_id",
  "description",
  "tags",
  "license",
  "source_url",
  "link_url",
  "link_format",
  "store",
  "staged_status",
  "failure_message",
  "error_traceback",
  "request_docker_image",
  "request_queue",
  "docker_image",
  "run_status",
  "remote",
];

/**
 * `field` is a snake_case column (`BUNDLE_COLUMN_FIELDS`) or metadata key (`data_size`, `name`,
 * `tags`...), except `owner`, whose values are user names the server maps to `owner_id`.
 */
export type BundleFilter = SearchCondition & { field: string };

/** `dependency=<uuid>` (key null) or `dependency/<key>=<uuid>`: has that parent. */
export type DependencyFilter = SearchCondition & { key: string | null };

export type BundleAggregate = { kind: "count" } | { kind: "sum"; field: string };

export type BundleSearchQuery = {
  /** Bare words: uuid or name contains each (LIKE `%word%`; the word may hold `%` itself). */
  terms: string[];
  /** `=value`: uuid, command or any metadata value contains each. */
  anyValues: string[];
  filters: BundleFilter[];
  dependencies: DependencyFilter[];
  /** `host_worksheet=` / `worksheet=`: on one of these worksheets (uuids). */
  hostWorksheets: SearchCondition[];
  /** `group=`: shared (≥ read) with each of these groups (name or uuid, for the server to resolve). */
  groups: string[];
  flags: {
    /** `.mine`: owned by the caller. */
    mine: boolean;
    /** `.floating`: on no worksheet. */
    floating: boolean;
    /** `.shared`: shared (≥ read) with any group the caller is in. */
    shared: boolean;
    /** `.last` was given; it is already in `sort` as `id` descending. */
    last: boolean;
  };
  /** `.before=`: created at or before (unix seconds); several → the earliest. */
  createdBefore: number | null;
  /** `.after=`: created at or after (unix seconds); several → the latest. */
  createdAfter: number | null;
  /** First entry is the primary order; empty = the server's default. */
  sort: SearchSortKey[];
  /** Listings only; aggregates cover every match. */
  limit: number;
  offset: number;
  aggregate: BundleAggregate | null;
  /** `.format=`: post-processor applied to an aggregate (e.g. `size`). */
  format: string | null;
};

/** Keys with their own meaning, refused as `<key>=.sort` / `.sum`. */
const SPECIAL_KEYS = ["owner", "group", "host_worksheet", "dependency"] as const;

export function emptyBundleSearchQuery(): BundleSearchQuery {
  return {
    terms: [],
    anyValues: [],
    filters: [],
    dependencies: [],
    hostWorksheets: [],
    groups: [],
    flags: { mine: false, floating: false, shared: false, last: false },
    createdBefore: null,
    createdAfter: null,
    sort: [],
    limit: DEFAULT_SEARCH_LIMIT,
    offset: 0,
    aggregate: null,
    format: null,
  };
}

export function parseBundleKeywords(keywords: readonly string[]): BundleSearchQuery {
  const query = emptyBundleSearchQuery();
  const setAggregate = (aggregate: BundleAggregate, keyword: string): void => {
    if (query.aggregate !== null) {
      throw new CodalabError("VALIDATION_FAILED", `${keyword}: only one aggregate (.count or <field>=.sum) per search`);
    }
    query.aggregate = aggregate;
  };

  for (const keyword of keywords) {
    if (keyword === "") continue;
    switch (keyword) {
      case ".mine":
        query.flags.mine = true;
        continue;
      case ".floating":
        query.flags.floating = true;
        continue;
      case ".shared":
        query.flags.shared = true;
        continue;
      case ".last":
        query.flags.last = true;
        query.sort.push({ field: "id", desc: true, numeric: true });
        continue;
      case ".count":
        setAggregate({ kind: "count" }, keyword);
        continue;
    }
    const parts = splitKeyword(keyword);
    if (parts === null) {
      query.terms.push(wildcardToLike(keyword));
      continue;
    }
    const { value } = parts;
    const key = BUNDLE_KEY_SHORTCUTS[parts.key] ?? parts.key;

    if (key.startsWith(".")) {
      applyDotKeyword(query, key, value, keyword);
      continue;
    }
    if (key === "") {
      query.anyValues.push(wildcardToLike(value));
      continue;
    }

    const direction = sortDirection(value);
    if (direction !== null || value === SUM) {
      const special = SPECIAL_KEYS.find((name) => key === name || key.startsWith(`${name}/`));
      if (special !== undefined) {
        throw new CodalabError("VALIDATION_FAILED", `${keyword}: cannot sort or sum by ${key}`);
      }
      if (direction !== null)
        query.sort.push({ field: key, desc: direction.desc, numeric: !TEXT_SORT_FIELDS.includes(key) });
      else setAggregate({ kind: "sum", field: key }, keyword);
      continue;
    }

    if (key === "dependency" || key.startsWith("dependency/")) {
      const dependencyKey = key === "dependency" ? null : key.slice("dependency/".length);
      if (dependencyKey === "")
        throw new CodalabError("VALIDATION_FAILED", `${keyword}: write dependency/<key>=<uuid>`);
      query.dependencies.push({ key: dependencyKey, ...toCondition(value) });
    } else if (key === "host_worksheet") {
      query.hostWorksheets.push(toCondition(value));
    } else if (key === "group") {
      if (value === "" || value.includes(",")) {
        throw new CodalabError("VALIDATION_FAILED", `${keyword}: group= takes one group name or uuid`);
      }
      query.groups.push(value);
    } else {
      query.filters.push({ field: key, ...toCondition(value) });
    }
  }
  return query;
}

function applyDotKeyword(query: BundleSearchQuery, key: string, value: string, keyword: string): void {
  switch (key) {
    case ".limit":
      query.limit = parseCount(value, ".limit");
      return;
    case ".offset":
      query.offset = parseCount(value, ".offset");
      return;
    case ".format":
      query.format = value;
      return;
    case ".before": {
      const seconds = parseIsoDateTime(value, ".before");
      query.createdBefore = query.createdBefore === null ? seconds : Math.min(query.createdBefore, seconds);
      return;
    }
    case ".after": {
      const seconds = parseIsoDateTime(value, ".after");
      query.createdAfter = query.createdAfter === null ? seconds : Math.max(query.createdAfter, seconds);
      return;
    }
    default:
      throw new CodalabError(
        "VALIDATION_FAILED",
        `unknown search keyword ${JSON.stringify(keyword)}: the keywords with a value are .limit, .offset, .format, .before and .after`,
      );
  }
}
