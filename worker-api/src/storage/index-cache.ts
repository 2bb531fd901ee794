/**
 * Parsed index trees of directory bundles, kept per isolate. A bundle's contents never change
 * once it is ready, so an entry never goes stale; it is dropped when the bundle's contents are
 * deleted here, and a deletion elsewhere is seen in D1 before the cache is consulted. Bounded by
 * the number of index entries held, least recently used first out.
 */
import { type BundleTree, buildBundleTree, CodalabError } from "@codalab/core";
import type { BundleStore } from "./bundle-store.ts";

/** Index entries held in all cached trees together (a few hundred bytes each). */
const MAX_CACHED_ENTRIES = 200_000;

class TreeCache {
  private readonly trees = new Map<string, BundleTree>();
  private entries = 0;

  get(uuid: string): BundleTree | undefined {
    const tree = this.trees.get(uuid);
    if (tree !== undefined) {
      // Re-inserting moves it to the end: Map iteration order is the LRU order.
      this.trees.delete(uuid);
      this.trees.set(uuid, tree);
    }
    return tree;
  }

  set(uuid: string, tree: BundleTree): void {
    this.delete(uuid);
    const weight = tree.index.entries.length;
    if (weight > MAX_CACHED_ENTRIES) return;
    this.trees.set(uuid, tree);
    this.entries += weight;
    for (const [oldest, old] of this.trees) {
      if (this.entries <= MAX_CACHED_ENTRIES) break;
      this.trees.delete(oldest);
      this.entries -= old.index.entries.length;
    }
  }

  delete(uuid: string): void {
    const tree = this.trees.get(uuid);
    if (tree === undefined) return;
    this.trees.delete(uuid);
    this.entries -= tree.index.entries.length;
  }
}

const cache = new TreeCache();

/** The index tree of a ready directory bundle. */
export async function loadBundleTree(store: BundleStore, uuid: string): Promise<BundleTree> {
  const cached = cache.get(uuid);
  if (cached !== undefined) return cached;
  const index = await store.readIndex(uuid);
  if (index === null) throw new CodalabError("NOT_FOUND", `the index of bundle ${uuid} is missing from storage`);
  const tree = buildBundleTree(index);
  cache.set(uuid, tree);
  return tree;
}

export function forgetBundleTree(uuid: string): void {
  cache.delete(uuid);
}
