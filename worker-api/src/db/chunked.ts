/**
 * D1 binds at most 100 parameters per statement: long `IN` lists are split into chunks small
 * enough to leave room for a statement's other parameters.
 */
export const IN_CHUNK_SIZE = 90;

export function chunked<T>(items: readonly T[], size = IN_CHUNK_SIZE): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Runs `query` once per chunk of `items` (in parallel) and concatenates the rows. */
export async function queryInChunks<T, R>(
  items: readonly T[],
  query: (chunk: T[]) => Promise<R[]>,
  size = IN_CHUNK_SIZE,
): Promise<R[]> {
  if (items.length === 0) return [];
  const results = await Promise.all(chunked([...new Set(items)], size).map(query));
  return results.flat();
}
