/**
 * Long id lists for D1 in one bound parameter: a JSON array read back with `json_each`, instead of
 * `IN (?, ?, …)` chunks of 90 (D1 binds at most 100 parameters per statement). The Scheduler
 * looks up thousands of bundles at once this way in one round trip. Lists are still split so that
 * one parameter stays far below D1's 2 MB value limit.
 */
import { type SQL, sql } from "drizzle-orm";

/** Ids per bound JSON array (a bundle uuid takes 37 bytes of JSON). */
export const JSON_LIST_SIZE = 5000;

/** `(select value from json_each(?))`: the ids as a subquery, for `IN`. */
export function jsonList(items: readonly string[]): SQL {
  return sql`(select value from json_each(${JSON.stringify(items)}))`;
}

/** Runs `query` once per slice of the distinct `items` (in parallel) and concatenates the rows. */
export async function queryByJsonList<R>(
  items: readonly string[],
  query: (list: SQL, slice: readonly string[]) => Promise<R[]>,
  size = JSON_LIST_SIZE,
): Promise<R[]> {
  const distinct = [...new Set(items)];
  if (distinct.length === 0) return [];
  const slices: string[][] = [];
  for (let start = 0; start < distinct.length; start += size) slices.push(distinct.slice(start, start + size));
  const results = await Promise.all(slices.map((slice) => query(jsonList(slice), slice)));
  return results.flat();
}
