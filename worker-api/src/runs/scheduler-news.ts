/**
 * Changes the bundles routes make that the Scheduler (and the bundles' watchers) must hear of: a bundle that reached a final
 * state (an upload completed or abandoned) or vanished (deleted) may let waiting dependents be
 * staged or failed; a created or staged run or make that was edited is checked again (its
 * `allow_failed_dependencies` or requests may have changed).
 */
import { BUNDLE_UUID_REGEX, FINAL_STATES, type SchedulerEvent } from "@codalab/core";
import { inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies, bundles } from "../db/schema.ts";
import { bundleNews } from "../watch/bundle-news.ts";
import { schedulerStub } from "./stubs.ts";

export async function bundlesChanged(env: Env, db: Db, uuids: readonly string[]): Promise<void> {
  const wanted = uuids.filter((uuid) => BUNDLE_UUID_REGEX.test(uuid));
  if (wanted.length === 0) return;
  // Those who watch the bundles hear of it too (bundle events, followed files).
  await bundleNews(env)(wanted);
  const rows = await queryInChunks(wanted, (chunk) =>
    db
      .select({ uuid: bundles.uuid, state: bundles.state, bundleType: bundles.bundleType })
      .from(bundles)
      .where(inArray(bundles.uuid, chunk)),
  );
  const found = new Map(rows.map((row) => [row.uuid, row]));
  const now = Date.now();
  const events: SchedulerEvent[] = [];
  const recheck: string[] = [];
  for (const uuid of wanted) {
    const row = found.get(uuid);
    // A deleted bundle is gone for its dependents as a failed one is: they are checked again.
    if (row === undefined) events.push({ type: "bundle_finished", now, uuid, state: "failed" });
    else if (FINAL_STATES.includes(row.state)) events.push({ type: "bundle_finished", now, uuid, state: row.state });
    else if (
      (row.bundleType === "run" || row.bundleType === "make") &&
      (row.state === "created" || row.state === "staged")
    ) {
      recheck.push(uuid);
    }
  }
  if (recheck.length > 0) {
    const deps = await queryInChunks(recheck, (chunk) =>
      db
        .select({ child: bundleDependencies.childUuid, parent: bundleDependencies.parentUuid })
        .from(bundleDependencies)
        .where(inArray(bundleDependencies.childUuid, chunk)),
    );
    for (const uuid of recheck) {
      const kind = found.get(uuid)?.bundleType === "make" ? "make" : "run";
      const parents = [...new Set(deps.filter((dep) => dep.child === uuid).map((dep) => dep.parent))];
      // Forgotten first, so the fresh check sees the edited row.
      events.push(
        { type: "run_withdrawn", now, uuid },
        { type: "bundle_created", now, uuid, kind, parent_uuids: parents },
      );
    }
  }
  if (events.length === 0) return;
  try {
    await schedulerStub(env).notify(events);
  } catch (error) {
    console.error("the scheduler did not hear of changed bundles:", error);
  }
}
