/**
 * The first lines of files inside bundles in a final state, as worksheet cells read them, kept per
 * isolate: such contents never change, so an entry never goes stale (a deleted bundle or one whose
 * contents were dropped is seen in D1 before the cache is consulted). Bounded by the characters
 * held, least recently used first out. A worksheet page reloaded while its runs are read by many
 * people then costs no R2 reads at all.
 */
import type { ReadFileResult } from "@codalab/core";

/** Characters held in all entries together (UTF-16: about twice as many bytes). */
const MAX_CACHED_CHARACTERS = 8_000_000;

type Entry = Extract<ReadFileResult, { type: "text" | "directory" }>;

class FileHeadCache {
  private readonly entries = new Map<string, Entry>();
  private characters = 0;

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Re-inserting moves it to the end: Map iteration order is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: Entry): void {
    const weight = weightOf(entry);
    if (weight > MAX_CACHED_CHARACTERS / 100) return;
    const old = this.entries.get(key);
    if (old !== undefined) this.characters -= weightOf(old);
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.characters += weight;
    for (const [oldest, value] of this.entries) {
      if (this.characters <= MAX_CACHED_CHARACTERS) break;
      this.entries.delete(oldest);
      this.characters -= weightOf(value);
    }
  }
}

function weightOf(entry: Entry): number {
  return entry.type === "text" ? entry.text.length + 64 : 64;
}

export const fileHeadCache = new FileHeadCache();

export function fileHeadKey(uuid: string, path: string, limits: { maxLines: number; maxLineBytes: number }): string {
  return `${uuid}\u0000${path}\u0000${limits.maxLines}\u0000${limits.maxLineBytes}`;
}
