/** Pieces shared by the bundle, worksheet and user keyword languages (spec §5.6, §1.4). */
import { CodalabError } from "../errors.ts";

/** `eq`: equals the one value; `in`: equals one of the values (`a,b`); `like`: SQL LIKE with `%`. */
export const MATCH_OPS = ["eq", "in", "like"] as const;
export type MatchOp = (typeof MATCH_OPS)[number];
export type SearchCondition = { op: MatchOp; values: string[] };

export type SearchSortKey<Field extends string = string> = {
  field: Field;
  desc: boolean;
  /** Compare as numbers (CodaLab casts every sort field but names and text columns). */
  numeric: boolean;
};

export const DEFAULT_SEARCH_LIMIT = 10;

/** Value markers: `<field>=.sort`, `<field>=.sort-`, `<field>=.sum`. */
export const SORT_ASC = ".sort";
export const SORT_DESC = ".sort-";
export const SUM = ".sum";

/**
 * `key=value` → parts; anything else (a bare word, or a "key" with characters no key has) → null.
 * Keys are word characters, `.`, `/` (for `dependency/<key>`) and `-` (dependency keys may have it).
 */
export function splitKeyword(keyword: string): { key: string; value: string } | null {
  const match = /^([\w./-]*)=(.*)$/s.exec(keyword);
  if (!match) return null;
  const [, key = "", value = ""] = match;
  return { key, value };
}

/** Regular-expression style `.*` is SQL's `%`. */
export function wildcardToLike(value: string): string {
  return value.replaceAll(".*", "%");
}

/** `a,b` → in; a `%` or `.*` → like; else eq. A list is taken literally, as CodaLab does. */
export function toCondition(rawValue: string): SearchCondition {
  const value = wildcardToLike(rawValue);
  if (value.includes(",")) return { op: "in", values: value.split(",") };
  if (value.includes("%")) return { op: "like", values: [value] };
  return { op: "eq", values: [value] };
}

export function parseCount(value: string, keyword: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `${keyword}: expected a whole number ≥ 0, got ${JSON.stringify(value)}`,
    );
  }
  const count = Number(value);
  if (!Number.isSafeInteger(count)) throw new CodalabError("VALIDATION_FAILED", `${keyword}: ${value} is too large`);
  return count;
}

/** `.sort` / `.sort-` → direction; anything else → null. */
export function sortDirection(value: string): { desc: boolean } | null {
  if (value === SORT_ASC) return { desc: false };
  if (value === SORT_DESC) return { desc: true };
  return null;
}
