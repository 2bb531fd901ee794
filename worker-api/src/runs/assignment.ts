/**
 * The `assign` commands for runs the Scheduler placed, built from the bundle rows (requirements
 * resolved again with the owners' quotas as they are now, spec §8.5 step 3), many at once: rows,
 * owners and dependencies (with their parents' names) come from one round of parallel queries,
 * read while the placements are being written, so a placement pass costs the same few round trips
 * for one run or ten thousand. A run that can no longer be run by its owner (quota, owner gone)
 * gets a refusal instead.
 */
import { AssignedRunSchema, type RunLimits } from "@codalab/core";
import type { AssignmentBuild } from "@codalab/durable-objects";
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { queryByJsonList } from "../db/json-list.ts";
import { bundleDependencies, bundles } from "../db/schema.ts";
import { ownersOf, requirementsOf } from "./run-owner.ts";

export async function buildAssignments(
  db: Db,
  uuids: readonly string[],
  limits: RunLimits,
): Promise<Map<string, AssignmentBuild>> {
  const [rows, ownerMaps, deps] = await Promise.all([
    queryByJsonList(uuids, (list) => db.select().from(bundles).where(inArray(bundles.uuid, list))),
    queryByJsonList(uuids, async (list) => [await ownersOf(db, list)]),
    queryByJsonList(uuids, (list) =>
      db
        .select({
          id: bundleDependencies.id,
          childUuid: bundleDependencies.childUuid,
          childPath: bundleDependencies.childPath,
          parentUuid: bundleDependencies.parentUuid,
          parentPath: bundleDependencies.parentPath,
          parentName: sql<
            string | null
          >`(select ${bundles.name} from ${bundles} where ${bundles.uuid} = ${bundleDependencies.parentUuid})`,
        })
        .from(bundleDependencies)
        .where(inArray(bundleDependencies.childUuid, list)),
    ),
  ]);
  const owners = new Map(ownerMaps.flatMap((map) => [...map]));
  deps.sort((a, b) => a.id - b.id);
  const depsOf = new Map<string, typeof deps>();
  for (const dep of deps) depsOf.set(dep.childUuid, [...(depsOf.get(dep.childUuid) ?? []), dep]);
  const builds = new Map<string, AssignmentBuild>();
  for (const row of rows) {
    const owner = owners.get(row.ownerId);
    if (owner === undefined) {
      builds.set(row.uuid, { refusal: "the bundle's owner no longer exists" });
      continue;
    }
    const resolved = requirementsOf(row, owner, limits);
    if (!resolved.ok) {
      builds.set(row.uuid, { refusal: resolved.failure_message });
      continue;
    }
    const { docker_image, time, memory, disk, cpus, gpus, network } = resolved.requirements;
    const parsed = AssignedRunSchema.safeParse({
      uuid: row.uuid,
      command: row.command ?? "",
      owner_id: row.ownerId,
      dependencies: (depsOf.get(row.uuid) ?? []).map((dep) => ({
        child_path: dep.childPath,
        parent_uuid: dep.parentUuid,
        parent_path: dep.parentPath,
        ...(dep.parentName === null ? {} : { parent_name: dep.parentName }),
      })),
      requirements: { docker_image, time, memory: Math.round(memory), disk: Math.round(disk), cpus, gpus, network },
      exclude_patterns: row.excludePatterns ?? [],
    });
    builds.set(
      row.uuid,
      parsed.success
        ? { run: parsed.data }
        : { refusal: `the run cannot be sent to a worker: ${parsed.error.issues[0]?.message ?? "invalid"}` },
    );
  }
  return builds;
}
