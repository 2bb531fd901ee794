/**
 * The run queue as admins see it (`cl queue`): runs and makes waiting (`created`, `staged`, with the
 * Scheduler's `staged_status` saying why) and those on a worker, oldest first. Read from D1, which
 * the Scheduler keeps current, so listing never wakes or waits on the Scheduler.
 */
import type { QueueEntry } from "@codalab/core";
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bundles, users, workerRuns, workers } from "../db/schema.ts";

const WAITING = ["created", "staged"] as const;
const ACTIVE = ["making", "starting", "preparing", "running", "finalizing", "worker_offline"] as const;

async function entries(
  db: Db,
  states: readonly (typeof bundles.$inferSelect.state)[],
  limit: number,
): Promise<QueueEntry[]> {
  const rows = await db
    .select({
      uuid: bundles.uuid,
      name: bundles.name,
      bundleType: bundles.bundleType,
      state: bundles.state,
      ownerName: users.userName,
      created: bundles.created,
      stagedStatus: bundles.stagedStatus,
      requestQueue: bundles.requestQueue,
      requestCpus: bundles.requestCpus,
      requestGpus: bundles.requestGpus,
      requestMemory: bundles.requestMemory,
      requestPriority: bundles.requestPriority,
      workerId: workerRuns.workerId,
      remote: bundles.remote,
      workerName: workers.name,
    })
    .from(bundles)
    .leftJoin(users, eq(users.id, bundles.ownerId))
    .leftJoin(workerRuns, eq(workerRuns.bundleUuid, bundles.uuid))
    // A worker_offline run has lost its worker_runs row; `remote` still names the worker it was on.
    .leftJoin(
      workers,
      sql`${workers.id} = coalesce(${workerRuns.workerId}, CASE WHEN ${bundles.state} = 'worker_offline' THEN ${bundles.remote} END)`,
    )
    .where(inArray(bundles.state, [...states]))
    .orderBy(asc(bundles.created), asc(bundles.id))
    .limit(limit);
  return rows.map((row) => ({
    uuid: row.uuid,
    name: row.name,
    bundle_type: row.bundleType,
    state: row.state,
    owner_name: row.ownerName,
    created: row.created,
    staged_status: row.stagedStatus,
    request_queue: row.requestQueue,
    request_cpus: row.requestCpus,
    request_gpus: row.requestGpus,
    request_memory: row.requestMemory,
    request_priority: row.requestPriority,
    worker_id: row.workerId ?? (row.state === "worker_offline" ? row.remote : null),
    worker_name: row.workerName,
  }));
}

export async function runQueue(db: Db, limit: number): Promise<{ waiting: QueueEntry[]; active: QueueEntry[] }> {
  const [waiting, active] = await Promise.all([entries(db, WAITING, limit), entries(db, ACTIVE, limit)]);
  return { waiting, active };
}
