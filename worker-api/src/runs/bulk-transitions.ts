/**
 * Many state-machine events on many bundles in a few round trips, for the Scheduler: one read of
 * every bundle (and who holds it), core's `transition` applied to each bundle's events in order in
 * memory, and one batch of guarded statements per slice of bundles (apply-transition.ts builds
 * them, one bundle's statements all guarded by the `state_version` that was read). A placement
 * pass that stages and assigns thousands of runs writes them in seconds instead of minutes, and a
 * new run goes from `created` through `staged` to `starting` in one write. A bundle whose guard
 * failed (it changed meanwhile) gets its events applied one by one, as `applyTransition` does.
 */
import {
  applyMetadataChanges,
  CodalabError,
  FINAL_STATES,
  type MachineBundle,
  type MachineEvent,
  type Transition,
  transition,
} from "@codalab/core";
import { inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { queryByJsonList } from "../db/json-list.ts";
import { bundles, workerRuns } from "../db/schema.ts";
import type { BundleNews } from "../watch/bundle-news.ts";
import {
  type AppliedTransition,
  applyTransition,
  type LoadedBundle,
  transitionStatements,
} from "./apply-transition.ts";
import { machineBundle } from "./machine-row.ts";

export type TransitionItem = { uuid: string; events: readonly MachineEvent[] };
/** One outcome per event of an item, in order. */
export type ItemOutcomes = AppliedTransition[];

/** Bundles written per D1 batch (each takes up to three statements). */
const BUNDLES_PER_BATCH = 500;
const BATCHES_IN_FLIGHT = 4;

/** `merged`: the bundle after the last applied event, with every applied event's changes merged. */
type Planned = { item: TransitionItem; before: LoadedBundle; outcomes: ItemOutcomes; merged: Transition | null };

async function loadBundles(db: Db, uuids: readonly string[]): Promise<Map<string, LoadedBundle>> {
  const [rows, holders] = await Promise.all([
    queryByJsonList(uuids, (list) => db.select().from(bundles).where(inArray(bundles.uuid, list))),
    queryByJsonList(uuids, (list) =>
      db
        .select({ uuid: workerRuns.bundleUuid, workerId: workerRuns.workerId })
        .from(workerRuns)
        .where(inArray(workerRuns.bundleUuid, list)),
    ),
  ]);
  const holder = new Map(holders.map((entry) => [entry.uuid, entry.workerId]));
  return new Map(rows.map((row) => [row.uuid, { row, workerId: holder.get(row.uuid) ?? null }]));
}

/** Every event of the item in turn, from the bundle as read; a refused event leaves the bundle as it was. */
function plan(item: TransitionItem, before: LoadedBundle): Planned {
  let bundle: MachineBundle = machineBundle(before.row, before.workerId);
  const outcomes: ItemOutcomes = [];
  let merged: Transition | null = null;
  let changes: Record<string, unknown> = {};
  for (const event of item.events) {
    let result: Transition;
    try {
      result = transition(bundle, event);
    } catch (error) {
      if (!(error instanceof CodalabError)) throw error;
      outcomes.push({ applied: false, reason: error.message, settled: FINAL_STATES.includes(bundle.state) });
      continue;
    }
    changes = { ...changes, ...result.changes };
    bundle = {
      ...bundle,
      state: result.state,
      worker_id: result.worker_id,
      metadata: applyMetadataChanges(bundle.metadata, result.changes),
    };
    merged = { ...result, changes };
    outcomes.push({ applied: true, before, transition: result, state: result.state, effects: result.effects });
  }
  return { item, before, outcomes, merged };
}

function changed(planned: Planned): boolean {
  const merged = planned.merged;
  if (merged === null) return false;
  return (
    merged.state !== planned.before.row.state ||
    merged.worker_id !== planned.before.workerId ||
    Object.keys(merged.changes).length > 0
  );
}

export async function applyTransitions(
  db: Db,
  news: BundleNews,
  items: readonly TransitionItem[],
): Promise<Map<string, ItemOutcomes>> {
  const loaded = await loadBundles(
    db,
    items.map((item) => item.uuid),
  );
  const results = new Map<string, ItemOutcomes>();
  const toWrite: Planned[] = [];
  for (const item of items) {
    const before = loaded.get(item.uuid);
    if (before === undefined) {
      const reason = `bundle ${item.uuid} no longer exists`;
      results.set(
        item.uuid,
        item.events.map(() => ({ applied: false, reason, settled: true })),
      );
      continue;
    }
    const planned = plan(item, before);
    results.set(item.uuid, planned.outcomes);
    if (changed(planned)) toWrite.push(planned);
  }
  const conflicts: Planned[] = [];
  const written: string[] = [];
  const slices: Planned[][] = [];
  for (let start = 0; start < toWrite.length; start += BUNDLES_PER_BATCH) {
    slices.push(toWrite.slice(start, start + BUNDLES_PER_BATCH));
  }
  // A few batches in flight overlap their round trips; D1 still runs each as one transaction.
  for (let start = 0; start < slices.length; start += BATCHES_IN_FLIGHT) {
    await Promise.all(
      slices.slice(start, start + BATCHES_IN_FLIGHT).map(async (slice) => {
        const statements = slice.map((planned) => {
          const merged = planned.merged as Transition;
          return transitionStatements(planned.item.uuid, planned.before, merged, merged.changes);
        });
        const batch = await db.$client.batch(
          statements.flat().map((statement) => db.$client.prepare(statement.sql).bind(...statement.params)),
        );
        let index = 0;
        slice.forEach((planned, i) => {
          index += statements[i]?.length ?? 0;
          const update = batch[index - 1];
          if (update !== undefined && update.results.length > 0) written.push(planned.item.uuid);
          else conflicts.push(planned);
        });
      }),
    );
  }
  // Watchers re-read the bundles; the assignments need not wait for them to be told.
  void news(written);
  // Changed by someone else between the read and the write: one by one, from the fresh row.
  for (const planned of conflicts) {
    const outcomes: ItemOutcomes = [];
    for (const event of planned.item.events) outcomes.push(await applyTransition(db, news, planned.item.uuid, event));
    results.set(planned.item.uuid, outcomes);
  }
  return results;
}
