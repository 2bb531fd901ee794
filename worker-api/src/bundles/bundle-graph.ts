/**
 * The provenance graph around some bundles, for `cl mimic`: their children (or parents), level by
 * level to a depth. Relatives the caller cannot read are left out and not walked through, so the
 * answer reveals nothing beyond what `GET /rest/bundles/{uuid}` would.
 */
import { CodalabError, type PermissionCaller } from "@codalab/core";
import { type GraphDirection, MAX_GRAPH_BUNDLES } from "@codalab/core/api/bundle-graph";
import { asc, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies } from "../db/schema.ts";
import { type BundleAccess, readableBundles, requireBundles } from "./bundle-access.ts";

async function relatives(db: Db, uuids: readonly string[], direction: GraphDirection): Promise<string[]> {
  const from = direction === "children" ? bundleDependencies.parentUuid : bundleDependencies.childUuid;
  const rows = await queryInChunks(uuids, (chunk) =>
    db
      .select({ id: bundleDependencies.id, child: bundleDependencies.childUuid, parent: bundleDependencies.parentUuid })
      .from(bundleDependencies)
      .where(inArray(from, chunk))
      .orderBy(asc(bundleDependencies.id)),
  );
  // Oldest dependency first, so the order does not depend on how the lookup was chunked.
  rows.sort((a, b) => a.id - b.id);
  return rows.map((row) => (direction === "children" ? row.child : row.parent));
}

/** The roots (each must be readable: 404/403 otherwise), then each level breadth-first. */
export async function bundleGraph(
  db: Db,
  caller: PermissionCaller,
  roots: readonly string[],
  direction: GraphDirection,
  depth: number,
): Promise<BundleAccess[]> {
  const unique = [...new Set(roots)];
  const found = await requireBundles(db, caller, unique, "read");
  const seen = new Set(unique);
  let frontier = unique;
  for (let level = 0; level < depth && frontier.length > 0; level += 1) {
    const next = (await relatives(db, frontier, direction)).filter((uuid) => {
      if (seen.has(uuid)) return false;
      seen.add(uuid);
      return true;
    });
    const readable = await readableBundles(db, caller, next);
    if (found.length + readable.length > MAX_GRAPH_BUNDLES) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `the graph has more than ${MAX_GRAPH_BUNDLES} bundles within depth ${level + 1}: ask for a smaller depth`,
        { field: "depth" },
      );
    }
    found.push(...readable);
    frontier = readable.map((access) => access.row.uuid);
  }
  return found;
}
