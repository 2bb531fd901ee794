/**
 * The user search language (`cl uls`, spec §1.4). Filters on private fields are marked
 * root-only; `assertUserSearchAllowed` is what the server calls for a non-root caller.
 */
import { CodalabError } from "../errors.ts";
import { parseIsoDateTime } from "./iso-date.ts";
import {
  DEFAULT_SEARCH_LIMIT,
  parseCount,
  type SearchCondition,
  type SearchSortKey,
  sortDirection,
  splitKeyword,
  toCondition,
  wildcardToLike,
} from "./keyword-parts.ts";

/** Fields anyone may filter and sort on (what `uinfo` shows of other users). */
export const PUBLIC_USER_FIELDS = [
  "id",
  "user_name",
  "first_name",
  "last_name",
  "affiliation",
  "url",
  "date_joined",
] as const;
/** Private fields: only root may search by them. */
export const ROOT_ONLY_USER_FIELDS = [
  "email",
  "last_login",
  "time_quota",
  "time_used",
  "disk_quota",
  "disk_used",
  "parallel_run_quota",
] as const;
export const USER_FIELDS = [...PUBLIC_USER_FIELDS, ...ROOT_ONLY_USER_FIELDS] as const;
export type UserField = (typeof USER_FIELDS)[number];

const NUMERIC_USER_FIELDS: readonly UserField[] = [
  "date_joined",
  "last_login",
  "time_quota",
  "time_used",
  "disk_quota",
  "disk_used",
  "parallel_run_quota",
];

/** CodaLab's column is `user_id`; ours is `id`. */
const USER_KEY_ALIASES: Readonly<Record<string, UserField>> = { user_id: "id" };

export type UserFilter = SearchCondition & { field: UserField; rootOnly: boolean };

/** `.disk_used_less_than=70%` → {resource: "disk", bound: "at_most", fraction: 0.7}: used / quota. */
export type UserUsageFilter = { resource: "disk" | "time"; bound: "at_most" | "at_least"; fraction: number };

export type UserSearchQuery = {
  /** Bare words: id, user name, first or last name contains each. */
  terms: string[];
  filters: UserFilter[];
  /** Unix seconds, inclusive. */
  joinedBefore: number | null;
  joinedAfter: number | null;
  /** Root only: last login, unix seconds, inclusive. */
  activeBefore: number | null;
  activeAfter: number | null;
  /** Root only. */
  usage: UserUsageFilter[];
  sort: SearchSortKey<UserField>[];
  limit: number;
  offset: number;
  aggregate: { kind: "count" } | null;
  format: string | null;
  /** The keywords that need root, as typed; empty when anyone may run this search. */
  rootOnlyKeywords: string[];
};

const USAGE_KEYS: Readonly<Record<string, UserUsageFilter["resource"] | undefined>> = {
  ".disk_used_less_than": "disk",
  ".disk_used_more_than": "disk",
  ".time_used_less_than": "time",
  ".time_used_more_than": "time",
};

export function parseUserKeywords(keywords: readonly string[]): UserSearchQuery {
  const query: UserSearchQuery = {
    terms: [],
    filters: [],
    joinedBefore: null,
    joinedAfter: null,
    activeBefore: null,
    activeAfter: null,
    usage: [],
    sort: [],
    limit: DEFAULT_SEARCH_LIMIT,
    offset: 0,
    aggregate: null,
    format: null,
    rootOnlyKeywords: [],
  };

  for (const keyword of keywords) {
    if (keyword === "") continue;
    if (keyword === ".count") {
      query.aggregate = { kind: "count" };
      continue;
    }
    if (keyword === ".last") {
      // CodaLab sorts by id, which is chronological there; our ids are random, so use the join date.
      query.sort.push({ field: "date_joined", desc: true, numeric: true });
      continue;
    }
    const parts = splitKeyword(keyword);
    if (parts === null) {
      query.terms.push(wildcardToLike(keyword));
      continue;
    }
    const { value } = parts;
    const key = USER_KEY_ALIASES[parts.key] ?? parts.key;
    const usageResource = USAGE_KEYS[key];

    if (key === ".limit") {
      query.limit = parseCount(value, key);
    } else if (key === ".offset") {
      query.offset = parseCount(value, key);
    } else if (key === ".format") {
      query.format = value;
    } else if (key === ".joined_before") {
      query.joinedBefore = earliest(query.joinedBefore, parseIsoDateTime(value, key));
    } else if (key === ".joined_after") {
      query.joinedAfter = latest(query.joinedAfter, parseIsoDateTime(value, key));
    } else if (key === ".active_before") {
      query.activeBefore = earliest(query.activeBefore, parseIsoDateTime(value, key));
      query.rootOnlyKeywords.push(keyword);
    } else if (key === ".active_after") {
      query.activeAfter = latest(query.activeAfter, parseIsoDateTime(value, key));
      query.rootOnlyKeywords.push(keyword);
    } else if (usageResource !== undefined) {
      query.usage.push({
        resource: usageResource,
        bound: key.endsWith("_less_than") ? "at_most" : "at_least",
        fraction: parseFraction(value, key),
      });
      query.rootOnlyKeywords.push(keyword);
    } else if (isUserField(key)) {
      const rootOnly = (ROOT_ONLY_USER_FIELDS as readonly string[]).includes(key);
      if (rootOnly) query.rootOnlyKeywords.push(keyword);
      const direction = sortDirection(value);
      if (direction === null) query.filters.push({ field: key, rootOnly, ...toCondition(value) });
      else query.sort.push({ field: key, desc: direction.desc, numeric: NUMERIC_USER_FIELDS.includes(key) });
    } else {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `unknown user search key '${parts.key}' in ${JSON.stringify(keyword)}: use ${USER_FIELDS.join(", ")}, .limit, .offset, .joined_before, .joined_after, .active_before, .active_after, .disk_used_less_than, .disk_used_more_than, .time_used_less_than, .time_used_more_than or .format`,
      );
    }
  }
  return query;
}

/** Throws FORBIDDEN when a non-root caller's search touches private fields. */
export function assertUserSearchAllowed(query: UserSearchQuery, isRoot: boolean): void {
  if (isRoot || query.rootOnlyKeywords.length === 0) return;
  throw new CodalabError("FORBIDDEN", `only the root user may search users by ${query.rootOnlyKeywords.join(", ")}`);
}

/** `70%` → 0.7; `0.3` → 0.3. */
function parseFraction(value: string, key: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
  if (!match) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `${key}: expected a fraction such as 0.3 or a percentage such as 70%, got ${JSON.stringify(value)}`,
    );
  }
  const number = Number(match[1]);
  return match[2] === "%" ? number / 100 : number;
}

function isUserField(key: string): key is UserField {
  return (USER_FIELDS as readonly string[]).includes(key);
}

function earliest(current: number | null, next: number): number {
  return current === null ? next : Math.min(current, next);
}

function latest(current: number | null, next: number): number {
  return current === null ? next : Math.max(current, next);
}
