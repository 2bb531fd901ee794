/**
 * What the Scheduler may have missed, found in D1 whenever a Scheduler instance starts: created
 * or staged run and make bundles it does not track (a notification lost in a crash, a fresh
 * storage) are announced again, and makes interrupted mid-copy (`making`, whose instance is gone)
 * go back to `staged` to be made again. Announcing twice is harmless: staging is idempotent.
 */
import type { SchedulerEvent, SchedulerState } from "@codalab/core";
import { and, eq, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies, bundles } from "../db/schema.ts";
import { applyTransition } from "./apply-transition.ts";

/** Bundles looked at per start; more are found at the next start. */
const RECOVERY_LIMIT = 1000;

export async function recoverFromDatabase(db: Db, state: SchedulerState, now: number): Promise<SchedulerEvent[]> {
  const interrupted = await db
    .select({ uuid: bundles.uuid })
    .from(bundles)
    .where(and(eq(bundles.state, "making"), eq(bundles.bundleType, "make")))
    .limit(RECOVERY_LIMIT);
  for (const { uuid } of interrupted) await applyTransition(db, uuid, { type: "make_interrupted" });

  const rows = await db
    .select({ uuid: bundles.uuid, bundleType: bundles.bundleType, state: bundles.state })
    .from(bundles)
    .where(and(inArray(bundles.state, ["created", "staged"]), inArray(bundles.bundleType, ["run", "make"])))
    .orderBy(bundles.id)
    .limit(RECOVERY_LIMIT);
  const known = (uuid: string) =>
    uuid in state.waiting || uuid in state.staged || uuid in state.placed || uuid in state.offline;
  const unknown = rows.filter((row) => !known(row.uuid));
  if (unknown.length === 0) return [];
  const deps = await queryInChunks(
    unknown.map((row) => row.uuid),
    (chunk) =>
      db
        .select({ child: bundleDependencies.childUuid, parent: bundleDependencies.parentUuid })
        .from(bundleDependencies)
        .where(inArray(bundleDependencies.childUuid, chunk)),
  );
  const parents = new Map<string, Set<string>>();
  for (const dep of deps) {
    const set = parents.get(dep.child) ?? new Set<string>();
    set.add(dep.parent);
    parents.set(dep.child, set);
  }
  return unknown.map((row) => ({
    type: "bundle_created",
    now,
    uuid: row.uuid,
    kind: row.bundleType === "make" ? "make" : "run",
    parent_uuids: [...(parents.get(row.uuid) ?? [])],
  }));
}
