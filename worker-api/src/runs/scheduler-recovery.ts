/**
 * What the Scheduler may have missed, found in D1 whenever a Scheduler instance starts: created
 * or staged run and make bundles it does not track (a notification lost in a crash, a fresh
 * storage) are announced again, and makes interrupted mid-copy (`making`, whose instance is gone)
 * go back to `staged` to be made again. Announcing twice is harmless: staging is idempotent.
 * Every such bundle is found, page by page: staging checks them in bulk, so a Scheduler whose
 * storage was lost takes back ten thousand staged runs in one start.
 */
import type { SchedulerEvent, SchedulerState } from "@codalab/core";
import { and, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { queryByJsonList } from "../db/json-list.ts";
import { bundleDependencies, bundles } from "../db/schema.ts";
import type { BundleNews } from "../watch/bundle-news.ts";
import { applyTransition } from "./apply-transition.ts";

/** Interrupted makes restarted per start (each is made again); more are found at the next start. */
const MAKES_PER_START = 1000;
/** Created and staged bundles read per query. */
const PAGE = 5000;

export async function recoverFromDatabase(
  db: Db,
  news: BundleNews,
  state: SchedulerState,
  now: number,
): Promise<SchedulerEvent[]> {
  const interrupted = await db
    .select({ uuid: bundles.uuid })
    .from(bundles)
    .where(and(eq(bundles.state, "making"), eq(bundles.bundleType, "make")))
    .limit(MAKES_PER_START);
  for (const { uuid } of interrupted) await applyTransition(db, news, uuid, { type: "make_interrupted" });

  const rows: { id: number; uuid: string; bundleType: string }[] = [];
  for (let after = 0; ; ) {
    const page = await db
      .select({ id: bundles.id, uuid: bundles.uuid, bundleType: bundles.bundleType })
      .from(bundles)
      .where(
        and(
          inArray(bundles.state, ["created", "staged"]),
          inArray(bundles.bundleType, ["run", "make"]),
          gt(bundles.id, after),
        ),
      )
      .orderBy(bundles.id)
      .limit(PAGE);
    rows.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) break;
    after = last.id;
  }
  const known = (uuid: string) =>
    uuid in state.waiting || uuid in state.staged || uuid in state.placed || uuid in state.offline;
  const unknown = rows.filter((row) => !known(row.uuid));
  if (unknown.length === 0) return [];
  const deps = await queryByJsonList(
    unknown.map((row) => row.uuid),
    (list) =>
      db
        .select({ child: bundleDependencies.childUuid, parent: bundleDependencies.parentUuid })
        .from(bundleDependencies)
        .where(inArray(bundleDependencies.childUuid, list)),
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
