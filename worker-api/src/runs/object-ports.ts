/**
 * The Scheduler's and the sessions' ports (durable-objects/src/ports.ts) over D1, R2 and the other
 * objects: the composition root of everything the two Durable Objects do outside themselves.
 */
import type { SchedulerEvent, SessionReport, StagedStatusUpdate } from "@codalab/core";
import type { BundlePorts, SchedulerPorts, SessionPorts, TransitionOutcome } from "@codalab/durable-objects";
import { chunked } from "../db/chunked.ts";
import { createDb, type Db } from "../db/client.ts";
import { r2BundleStore } from "../storage/bundle-store.ts";
import { type BundleNews, bundleNews } from "../watch/bundle-news.ts";
import type { AppliedTransition } from "./apply-transition.ts";
import { buildAssignments } from "./assignment.ts";
import { applyTransitions } from "./bulk-transitions.ts";
import { commitResults } from "./commit-results.ts";
import { runMake } from "./make-bundle.ts";
import { ownerUpdate, runLimits } from "./run-owner.ts";
import { applyRunEvent } from "./run-reports.ts";
import { recoverFromDatabase } from "./scheduler-recovery.ts";
import { checkDependencies } from "./staging.ts";
import { schedulerStub, sessionStub } from "./stubs.ts";
import { recordDisconnect, recordWorkerInfo } from "./worker-registry.ts";

const STATUSES_PER_BATCH = 1000;
const BATCHES_IN_FLIGHT = 4;

function outcome(applied: AppliedTransition): TransitionOutcome {
  return applied.applied
    ? { applied: true, state: applied.state, effects: applied.effects }
    : { applied: false, reason: applied.reason, settled: applied.settled };
}

function bundlePorts(env: Env, db: Db, news: BundleNews): BundlePorts {
  const store = r2BundleStore(env.BUNDLES);
  return {
    applyTransition: async (uuid, event) => outcome(await applyRunEvent(db, news, uuid, event)),
    applyTransitions: async (items) => {
      const applied = await applyTransitions(db, news, items);
      return new Map([...applied].map(([uuid, outcomes]) => [uuid, outcomes.map(outcome)]));
    },
    commitResults: async (uuid) => outcome(await commitResults(db, store, news, uuid)),
    sendCommand: (workerId, command) => sessionStub(env, workerId).enqueue(workerId, command),
  };
}

/**
 * Statuses in large batches of one indexed update each (a placement pass may change thousands at
 * once; one `json_each` join statement would scan the list for every row).
 */
async function setStagedStatus(db: Db, news: BundleNews, statuses: readonly StagedStatusUpdate[]): Promise<void> {
  const slices = chunked(statuses, STATUSES_PER_BATCH);
  for (let start = 0; start < slices.length; start += BATCHES_IN_FLIGHT) {
    await Promise.all(
      slices
        .slice(start, start + BATCHES_IN_FLIGHT)
        .map((slice) =>
          db.$client.batch(
            slice.map((status) =>
              db.$client
                .prepare("update bundles set staged_status = ? where uuid = ? and state = 'staged'")
                .bind(status.staged_status, status.uuid),
            ),
          ),
        ),
    );
  }
  // A waiting run's reason and queue position are part of its JSON, which watchers show; the
  // Scheduler does not wait for thousands of them to be told.
  void news(statuses.map((status) => status.uuid));
}

/** Session reports that need the worker's row become scheduler events; the rest already are. */
async function fromSessionReport(db: Db, report: SessionReport): Promise<SchedulerEvent[]> {
  switch (report.type) {
    case "worker_connected": {
      const connected = await recordWorkerInfo(db, report.worker_id, report.info, report.now);
      if (connected === null) return [];
      return [
        {
          type: "worker_connected",
          now: report.now,
          worker: connected.worker,
          held: report.held,
          owner: ownerUpdate(connected.owner),
        },
      ];
    }
    case "worker_updated": {
      const updated = await recordWorkerInfo(db, report.worker_id, report.info, report.now);
      return updated === null ? [] : [{ type: "worker_updated", now: report.now, worker: updated.worker }];
    }
    case "worker_disconnected":
      await recordDisconnect(db, report.worker_id);
      return [report];
    case "assignment_acked":
    case "assignment_rejected":
    case "run_finished":
    case "run_restaged":
      return [report];
  }
}

export function schedulerPorts(env: Env): SchedulerPorts {
  const db = createDb(env.DB);
  const news = bundleNews(env);
  const base = bundlePorts(env, db, news);
  return {
    ...base,
    checkDependencies: (uuids, now) => checkDependencies(db, uuids, now, runLimits(env)),
    buildAssignments: (uuids) => buildAssignments(db, uuids, runLimits(env)),
    sendCommands: (workerId, commands) => sessionStub(env, workerId).enqueueMany(workerId, [...commands]),
    revokeAssignment: (uuid, workerId) => sessionStub(env, workerId).revoke(workerId, uuid),
    setStagedStatus: (statuses) => setStagedStatus(db, news, statuses),
    fromSessionReport: (report) => fromSessionReport(db, report),
    runMake: (uuid) => runMake(db, r2BundleStore(env.BUNDLES), news, uuid),
    recover: (state, now) => recoverFromDatabase(db, news, state, now),
  };
}

export function sessionPorts(env: Env): SessionPorts {
  const db = createDb(env.DB);
  return {
    ...bundlePorts(env, db, bundleNews(env)),
    notifyScheduler: (reports) => schedulerStub(env).sessionReports([...reports]),
    bundleFinished: (uuid, state, now) => schedulerStub(env).notify([{ type: "bundle_finished", now, uuid, state }]),
  };
}
