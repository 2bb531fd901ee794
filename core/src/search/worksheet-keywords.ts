/**
 * The worksheet search language (spec §5.6, last paragraph; `cl wls`, `% wsearch`). Unlike
 * bundle search there is no open-ended metadata, so an unknown key is an error.
 */
import { CodalabError } from "../errors.ts";
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

/** Columns of the worksheet table that `<field>=value` and `<field>=.sort` work on. */
export const WORKSHEET_COLUMN_FIELDS = ["id", "uuid", "name", "title", "owner_id"] as const;
export type WorksheetColumnField = (typeof WORKSHEET_COLUMN_FIELDS)[number];

/**
 * Every filter field: the columns, plus `owner` (user names for the server to map to owner_id),
 * `tag` (has a tag), `bundle` (contains that bundle uuid) and `worksheet` (contains that
 * sub-worksheet uuid).
 */
export const WORKSHEET_FILTER_FIELDS = [...WORKSHEET_COLUMN_FIELDS, "owner", "tag", "bundle", "worksheet"] as const;
export type WorksheetFilterField = (typeof WORKSHEET_FILTER_FIELDS)[number];

export type WorksheetFilter = SearchCondition & { field: WorksheetFilterField };

export type WorksheetSearchQuery = {
  /** Bare words: uuid, name or title contains each. */
  terms: string[];
  /** `=value`: uuid, name, title or any item's text contains each. */
  anyValues: string[];
  filters: WorksheetFilter[];
  /** `group=`: shared (≥ read) with each of these groups (name or uuid). */
  groups: string[];
  flags: {
    mine: boolean;
    /** `.notmine`: not owned by the caller. */
    notmine: boolean;
    /** `.shared`: shared (≥ read) with any group the caller is in. */
    shared: boolean;
    /** `.last` was given; it is already in `sort` as `id` descending. */
    last: boolean;
  };
  /** Empty = the default order: the caller's own worksheets first, then most recently modified. */
  sort: SearchSortKey<WorksheetColumnField>[];
  limit: number;
  offset: number;
};

const KNOWN_KEYS_TEXT = `${WORKSHEET_FILTER_FIELDS.join(", ")}, group, =<value>, .limit, .offset`;

export function parseWorksheetKeywords(keywords: readonly string[]): WorksheetSearchQuery {
  const query: WorksheetSearchQuery = {
    terms: [],
    anyValues: [],
    filters: [],
    groups: [],
    flags: { mine: false, notmine: false, shared: false, last: false },
    sort: [],
    limit: DEFAULT_SEARCH_LIMIT,
    offset: 0,
  };

  for (const keyword of keywords) {
    if (keyword === "") continue;
    switch (keyword) {
      case ".mine":
        query.flags.mine = true;
        continue;
      case ".notmine":
        query.flags.notmine = true;
        continue;
      case ".shared":
        query.flags.shared = true;
        continue;
      case ".last":
        query.flags.last = true;
        query.sort.push({ field: "id", desc: true, numeric: true });
        continue;
    }
    const parts = splitKeyword(keyword);
    if (parts === null) {
      query.terms.push(wildcardToLike(keyword));
      continue;
    }
    const { key, value } = parts;
    if (key === ".limit") {
      query.limit = parseCount(value, ".limit");
    } else if (key === ".offset") {
      query.offset = parseCount(value, ".offset");
    } else if (key === "") {
      query.anyValues.push(wildcardToLike(value));
    } else if (key === "group") {
      if (value === "" || value.includes(",")) {
        throw new CodalabError("VALIDATION_FAILED", `${keyword}: group= takes one group name or uuid`);
      }
      query.groups.push(value);
    } else if (isFilterField(key)) {
      const direction = sortDirection(value);
      if (direction === null) {
        query.filters.push({ field: key, ...toCondition(value) });
      } else if (isColumnField(key)) {
        query.sort.push({ field: key, desc: direction.desc, numeric: key === "id" });
      } else {
        throw new CodalabError(
          "VALIDATION_FAILED",
          `${keyword}: worksheets sort by ${WORKSHEET_COLUMN_FIELDS.join(", ")}`,
        );
      }
    } else {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `unknown worksheet search key '${key}' in ${JSON.stringify(keyword)}: use ${KNOWN_KEYS_TEXT}`,
      );
    }
  }
  return query;
}

function isFilterField(key: string): key is WorksheetFilterField {
  return (WORKSHEET_FILTER_FIELDS as readonly string[]).includes(key);
}

function isColumnField(key: string): key is WorksheetColumnField {
  return (WORKSHEET_COLUMN_FIELDS as readonly string[]).includes(key);
}
