/**
 * `cl run --memoize` (spec §1.1): the newest run the caller may read with the same command and
 * the same dependencies (keys, parents and parent paths, compared after the normalisation bundle
 * creation applies). Failed and killed runs are never reused: re-running is what the user wants then.
 */
import type { PermissionCaller } from "@codalab/core";
import type { MemoizedRunRequest } from "@codalab/core/api/bundle-graph";
import { and, desc, eq, inArray, notInArray, type SQL, sql } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies, bundles } from "../db/schema.ts";
import { readableBundleCondition } from "../permissions/readable-sql.ts";
import { normalizeDependencies } from "../runs/create-derived.ts";
import { type BundleAccess, readableBundles } from "./bundle-access.ts";

/** Candidates looked at: enough for the same command run many times over other inputs. */
const MAX_CANDIDATES = 200;

type Dependency = { child_path: string; parent_uuid: string; parent_path: string };

function signature(dependencies: readonly Dependency[]): string {
  return JSON.stringify(
    dependencies.map((dependency) => [dependency.child_path, dependency.parent_uuid, dependency.parent_path]).sort(),
  );
}

export async function findMemoizedRun(
  db: Db,
  caller: PermissionCaller,
  request: MemoizedRunRequest,
): Promise<BundleAccess | null> {
  const wanted = normalizeDependencies("run", request.dependencies);
  const conditions: SQL[] = [
    eq(bundles.bundleType, "run"),
    eq(bundles.command, request.command),
    notInArray(bundles.state, ["failed", "killed"]),
  ];
  const readable = readableBundleCondition(caller);
  if (readable !== null) conditions.push(readable);
  const first = wanted[0];
  // Through the parent's children (indexed) rather than every run with that command.
  if (first !== undefined) {
    conditions.push(
      sql`${bundles.uuid} in (select child_uuid from bundle_dependencies where parent_uuid = ${first.parent_uuid})`,
    );
  }
  const candidates = await db
    .select({ uuid: bundles.uuid })
    .from(bundles)
    .where(and(...conditions))
    .orderBy(desc(bundles.id))
    .limit(MAX_CANDIDATES);
  const uuids = candidates.map((candidate) => candidate.uuid);
  const rows = await queryInChunks(uuids, (chunk) =>
    db
      .select({
        child: bundleDependencies.childUuid,
        child_path: bundleDependencies.childPath,
        parent_uuid: bundleDependencies.parentUuid,
        parent_path: bundleDependencies.parentPath,
      })
      .from(bundleDependencies)
      .where(inArray(bundleDependencies.childUuid, chunk)),
  );
  const byChild = new Map<string, Dependency[]>();
  for (const row of rows) byChild.set(row.child, [...(byChild.get(row.child) ?? []), row]);
  const target = signature(wanted);
  const match = uuids.find((uuid) => signature(byChild.get(uuid) ?? []) === target);
  if (match === undefined) return null;
  const [access] = await readableBundles(db, caller, [match]);
  return access ?? null;
}
