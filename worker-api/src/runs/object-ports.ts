/**
 * The Scheduler's and the sessions' ports (durable-objects/src/ports.ts) over D1, R2 and the other
 * objects: the composition root of everything the two Durable Objects do outside themselves.
 */
import type { SchedulerEvent, SessionReport, StagedStatusUpdate } from "@codalab/core";
import type { BundlePorts, SchedulerPorts, SessionPorts, TransitionOutcome } from "@codalab/durable-objects";
import { chunked } from "../db/chunked.ts";
import { createDb, type Db } from "../db/client.ts";
import { r2BundleStore } from "../storage/bundle-store.ts";
import { type AppliedTransition, applyTransition } from "./apply-transition.ts";
import { deliverAssignment } from "./assignment.ts";
import { commitResults } from "./commit-results.ts";
import { runMake } from "./make-bundle.ts";
import { ownerUpdate } from "./run-owner.ts";
import { recoverFromDatabase } from "./scheduler-recovery.ts";
import { checkDependencies } from "./staging.ts";
import { schedulerStub, sessionStub } from "./stubs.ts";
import { recordDisconnect, recordWorkerInfo } from "./worker-registry.ts";

function outcome(applied: AppliedTransition): TransitionOutcome {
  return applied.applied
    ? { applied: true, state: applied.state, effects: applied.effects }
    : { applied: false, reason: applied.reason };
}

function bundlePorts(env: Env, db: Db): BundlePorts {
  const store = r2BundleStore(env.BUNDLES);
  return {
    applyTransition: async (uuid, event) => outcome(await applyTransition(db, uuid, event)),
    commitResults: async (uuid) => outcome(await commitResults(db, store, uuid)),
    sendCommand: (workerId, command) => sessionStub(env, workerId).enqueue(workerId, command),
  };
}

async function setStagedStatus(db: Db, statuses: readonly StagedStatusUpdate[]): Promise<void> {
  for (const chunk of chunked(statuses, 50)) {
    await db.$client.batch(
      chunk.map((status) =>
        db.$client
          .prepare("update bundles set staged_status = ? where uuid = ? and state = 'staged'")
          .bind(status.staged_status, status.uuid),
      ),
    );
  }
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
      return [report];
  }
}

export function schedulerPorts(env: Env): SchedulerPorts {
  const db = createDb(env.DB);
  const base = bundlePorts(env, db);
  return {
    ...base,
    checkDependencies: (uuids, now) => checkDependencies(db, uuids, now),
    deliverAssignment: (uuid, workerId) => deliverAssignment(db, uuid, workerId, base.sendCommand),
    revokeAssignment: (uuid, workerId) => sessionStub(env, workerId).revoke(workerId, uuid),
    setStagedStatus: (statuses) => setStagedStatus(db, statuses),
    fromSessionReport: (report) => fromSessionReport(db, report),
    runMake: (uuid) => runMake(db, r2BundleStore(env.BUNDLES), uuid),
    recover: (state, now) => recoverFromDatabase(db, state, now),
  };
}

export function sessionPorts(env: Env): SessionPorts {
  const db = createDb(env.DB);
  return {
    ...bundlePorts(env, db),
    notifyScheduler: (report) => schedulerStub(env).sessionReport(report),
    bundleFinished: (uuid, state, now) => schedulerStub(env).notify([{ type: "bundle_finished", now, uuid, state }]),
  };
}
