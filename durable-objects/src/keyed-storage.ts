/**
 * Durable Object storage of reducer state record by record: each entry of a `Record<id, T>` is one
 * storage value under `<prefix><id>`, and only the entries whose identity changed are written
 * (the reducers copy on write), so a state of thousands of runs costs a few writes per event.
 */

/** Storage allows 128 keys per put or delete. */
const KEYS_PER_CALL = 128;

export type StorageWrites = { puts: Record<string, unknown>; deletes: string[] };

export function newWrites(): StorageWrites {
  return { puts: {}, deletes: [] };
}

export function diffRecord<T>(
  prefix: string,
  before: Readonly<Record<string, T>>,
  after: Readonly<Record<string, T>>,
  writes: StorageWrites,
): void {
  if (before === after) return;
  for (const [key, value] of Object.entries(after)) {
    if (before[key] !== value) writes.puts[prefix + key] = value;
  }
  for (const key of Object.keys(before)) {
    if (!(key in after)) writes.deletes.push(prefix + key);
  }
}

/**
 * Issues every write before awaiting any: writes without an `await` between them are committed
 * together (storage's write coalescing), so a crash never leaves half an event's state.
 */
export async function commitWrites(storage: DurableObjectStorage, writes: StorageWrites): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const entries = Object.entries(writes.puts);
  for (let start = 0; start < entries.length; start += KEYS_PER_CALL) {
    pending.push(storage.put(Object.fromEntries(entries.slice(start, start + KEYS_PER_CALL))));
  }
  for (let start = 0; start < writes.deletes.length; start += KEYS_PER_CALL) {
    pending.push(storage.delete(writes.deletes.slice(start, start + KEYS_PER_CALL)));
  }
  await Promise.all(pending);
}

export async function loadRecord<T>(storage: DurableObjectStorage, prefix: string): Promise<Record<string, T>> {
  const record: Record<string, T> = {};
  for (const [key, value] of await storage.list<T>({ prefix })) record[key.slice(prefix.length)] = value;
  return record;
}
