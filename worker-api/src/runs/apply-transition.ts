/**
 * Applies a state-machine event to a bundle row exactly once. The row and its `worker_runs` row
 * are read, core's `transition` decides, and one D1 batch writes the result: every statement is
 * guarded by the `state_version` that was read, and the statement that bumps it comes last, so a
 * concurrent transition makes the whole batch a no-op and this one is recomputed from the new row.
 * Statements a caller adds (`extra`) ride in the same batch under the same guard: they happen if
 * and only if the transition does (a result commit and its disk charge, for instance).
 */
import {
  applyMetadataChanges,
  type BundleState,
  CodalabError,
  diffMetadata,
  FINAL_STATES,
  type MachineEffect,
  type MachineEvent,
  type Transition,
  transition,
} from "@codalab/core";
import { eq } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import type { Db } from "../db/client.ts";
import { bundles, workerRuns } from "../db/schema.ts";
import type { BundleNews } from "../watch/bundle-news.ts";
import { machineBundle, metadataAssignments } from "./machine-row.ts";

/** A statement for the batch; `guard` is SQL that is true only while the transition may apply. */
export type ExtraStatement = { sql: string; params: unknown[] };
export type Guard = { sql: string; params: unknown[] };

export type LoadedBundle = { row: BundleRow; workerId: string | null };

export type AppliedTransition =
  | {
      applied: true;
      /** The bundle before; `transition` is what changed. */
      before: LoadedBundle;
      transition: Transition;
      state: BundleState;
      effects: MachineEffect[];
    }
  /** `settled`: the bundle is final or gone, so nothing a runner reports about it can apply any more. */
  | { applied: false; reason: string; settled: boolean };

export type TransitionOptions = {
  /** Statements to write with the transition, each of which must include `guard` in its WHERE. */
  extra?: (before: LoadedBundle, result: Transition, guard: Guard) => ExtraStatement[];
  /**
   * Metadata the transition should see and write along (a committed `data_size`, a failure found
   * at commit time, which decides the final state).
   */
  overlay?: (before: LoadedBundle) => Record<string, unknown>;
};

const MAX_ATTEMPTS = 5;

export async function loadBundle(db: Db, uuid: string): Promise<LoadedBundle | null> {
  const [row, holder] = await Promise.all([
    db.query.bundles.findFirst({ where: eq(bundles.uuid, uuid) }),
    db.query.workerRuns.findFirst({ columns: { workerId: true }, where: eq(workerRuns.bundleUuid, uuid) }),
  ]);
  return row === undefined ? null : { row, workerId: holder?.workerId ?? null };
}

/** `news` hears of every transition written, so watchers of the bundle see it at once. */
/**
 * The guarded statements that write a transition: the caller's `extra` ones, the `worker_runs`
 * change, then the bundle update, last, which returns the state when the guard held.
 */
export function transitionStatements(
  uuid: string,
  before: LoadedBundle,
  result: Pick<Transition, "state" | "worker_id">,
  changes: Readonly<Record<string, unknown>>,
  extra: readonly ExtraStatement[] = [],
): ExtraStatement[] {
  const guard = guardOf(uuid, before);
  const statements = [...extra];
  if (result.worker_id !== before.workerId) {
    if (before.workerId !== null) {
      statements.push({
        sql: `delete from worker_runs where bundle_uuid = ? and ${guard.sql}`,
        params: [uuid, ...guard.params],
      });
    }
    if (result.worker_id !== null) {
      statements.push({
        sql: `insert into worker_runs (bundle_uuid, worker_id, assigned_at) select ?, ?, unixepoch() where ${guard.sql}
            on conflict (bundle_uuid) do update set worker_id = excluded.worker_id, assigned_at = excluded.assigned_at`,
        params: [uuid, result.worker_id, ...guard.params],
      });
    }
  }
  const metadata = metadataAssignments(changes);
  statements.push({
    sql: `update bundles set ${["state = ?", "state_version = state_version + 1", ...metadata.assignments].join(", ")}
        where uuid = ? and state_version = ? returning state`,
    params: [result.state, ...metadata.params, uuid, before.row.stateVersion],
  });
  return statements;
}

/** True only while the bundle is at the version that was read. */
export function guardOf(uuid: string, before: LoadedBundle): Guard {
  return {
    sql: "exists (select 1 from bundles where uuid = ? and state_version = ?)",
    params: [uuid, before.row.stateVersion],
  };
}

export async function applyTransition(
  db: Db,
  news: BundleNews,
  uuid: string,
  event: MachineEvent | ((bundle: LoadedBundle) => MachineEvent),
  options: TransitionOptions = {},
): Promise<AppliedTransition> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = await loadBundle(db, uuid);
    if (before === null) return { applied: false, reason: `bundle ${uuid} no longer exists`, settled: true };
    const machine = machineBundle(before.row, before.workerId);
    const overlay = diffMetadata(machine.metadata, options.overlay?.(before) ?? {});
    let result: Transition;
    try {
      result = transition(
        { ...machine, metadata: applyMetadataChanges(machine.metadata, overlay) },
        typeof event === "function" ? event(before) : event,
      );
    } catch (error) {
      if (error instanceof CodalabError && error.code === "INVALID_STATE")
        return { applied: false, reason: error.message, settled: FINAL_STATES.includes(before.row.state) };
      throw error;
    }
    const changes = { ...overlay, ...result.changes };
    const guard = guardOf(uuid, before);
    const extra = options.extra?.(before, result, guard) ?? [];
    // Already applied (a repeated event): nothing is written, not even the caller's extras.
    const unchanged =
      result.state === before.row.state &&
      result.worker_id === before.workerId &&
      Object.keys(result.changes).length === 0 &&
      result.effects.length === 0;
    if (unchanged) {
      return { applied: true, before, transition: result, state: result.state, effects: result.effects };
    }
    const statements = transitionStatements(uuid, before, result, changes, extra);
    const results = await db.$client.batch(
      statements.map((statement) => db.$client.prepare(statement.sql).bind(...statement.params)),
    );
    const last = results[results.length - 1];
    if (last !== undefined && last.results.length > 0) {
      await news([uuid]);
      return { applied: true, before, transition: result, state: result.state, effects: result.effects };
    }
  }
  throw new CodalabError("CONFLICT", `bundle ${uuid} kept changing while a transition was applied; try again`);
}
