/**
 * Runs stuck too long (spec §3.3, CodaLab's `_fail_unresponsive_bundles`): a run or make still
 * `staged`, `preparing`, `running` or `worker_offline` more than 60 days after it was `created`
 * is failed with CodaLab's message ("Bundle has been stuck in running state for more than 60
 * days."). The nightly `scheduled` handler calls this. Each bundle goes through the state machine
 * (`expired`, applied in bulk with the usual `state_version` guard): a run a worker holds is
 * released and that worker is told to kill it, and the Scheduler hears of every failed bundle, so
 * it frees the placement and stages dependents. (Uploads stuck in `uploading` are failed by their
 * own nightly pass.)
 */
import { type BundleState, EXPIRING_STATES, type MachineEvent, type SchedulerEvent } from "@codalab/core";
import { routeMachineEffects } from "@codalab/durable-objects";
import { and, asc, gt, inArray, lt } from "drizzle-orm";
import { createDb } from "../db/client.ts";
import { bundles } from "../db/schema.ts";
import { bundleNews } from "../watch/bundle-news.ts";
import { applyTransitions } from "./bulk-transitions.ts";
import { schedulerStub, sessionStub } from "./stubs.ts";

/** CodaLab's `BUNDLE_TIMEOUT_DAYS`. */
export const STUCK_RUN_DAYS = 60;

/** What this pass fails: every expiring state but `uploading`. */
export const STUCK_RUN_STATES: readonly BundleState[] = EXPIRING_STATES.filter((state) => state !== "uploading");

/** Bundles read and failed per round (one bulk transition each). */
const PER_ROUND = 500;

export type StuckRunsSummary = { failed: string[]; kills_sent: number; errors: string[] };

/** Fails the runs stuck more than `days` days at `now` (ms since the epoch); says what it did. */
export async function failStuckRuns(env: Env, now: number, days = STUCK_RUN_DAYS): Promise<StuckRunsSummary> {
  const db = createDb(env.DB);
  const news = bundleNews(env);
  const at = Math.floor(now / 1000);
  const cutoff = at - days * 86_400;
  const event: MachineEvent = { type: "expired", at, days };
  const summary: StuckRunsSummary = { failed: [], kills_sent: 0, errors: [] };
  // By id, so a bundle the state machine refuses (changed meanwhile) is not read again.
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ id: bundles.id, uuid: bundles.uuid })
      .from(bundles)
      .where(and(inArray(bundles.state, [...STUCK_RUN_STATES]), lt(bundles.created, cutoff), gt(bundles.id, after)))
      .orderBy(asc(bundles.id))
      .limit(PER_ROUND);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id ?? after;
    const outcomes = await applyTransitions(
      db,
      news,
      rows.map((row) => ({ uuid: row.uuid, events: [event] })),
    );
    const finished: SchedulerEvent[] = [];
    for (const [uuid, [outcome]] of outcomes) {
      if (outcome === undefined || !outcome.applied || outcome.state !== "failed") continue;
      const routed = routeMachineEffects(uuid, outcome.effects);
      for (const { worker_id, command } of routed.commands) {
        try {
          const sent = await sessionStub(env, worker_id).enqueue(worker_id, command);
          if (sent.ok) summary.kills_sent++;
          else summary.errors.push(`kill of ${uuid} refused by worker ${worker_id}'s session: ${sent.reason}`);
        } catch (error) {
          summary.errors.push(`kill of ${uuid} not sent to worker ${worker_id}: ${String(error)}`);
        }
      }
      if (routed.final !== null) finished.push({ type: "bundle_finished", now, uuid, state: routed.final });
      summary.failed.push(uuid);
    }
    if (finished.length > 0) {
      try {
        await schedulerStub(env).notify(finished);
      } catch (error) {
        // Logged: a staged run the Scheduler still places is refused when it is assigned (failed).
        summary.errors.push(`the scheduler did not hear of ${finished.length} failed runs: ${String(error)}`);
      }
    }
    if (rows.length < PER_ROUND) break;
  }
  return summary;
}

/** The `scheduled` handler's part: the pass, summed up in one log line. */
export async function scheduledStuckRuns(env: Env, scheduledTime: number): Promise<void> {
  const summary = await failStuckRuns(env, scheduledTime);
  if (summary.failed.length === 0 && summary.errors.length === 0) return;
  console.log(
    `stuck runs: failed ${summary.failed.length} run(s) stuck more than ${STUCK_RUN_DAYS} days` +
      `${summary.failed.length > 0 ? ` (${summary.failed.slice(0, 20).join(", ")}${summary.failed.length > 20 ? ", …" : ""})` : ""}; ` +
      `${summary.kills_sent} kill(s) sent${summary.errors.map((error) => `; ${error}`).join("")}`,
  );
}
