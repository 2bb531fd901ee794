/**
 * The `workers` rows: registered when a runner connects (name unique per owner), refreshed from
 * what the runner says in `hello` and `capacity_update`, and listed for `cl workers`. Live state
 * (the socket, queued commands) is in the worker's session; this row is what the rest of the
 * system can query. `GET /rest/workers` lists them (routes/workers/list-workers.ts).
 */
import { type SchedulerWorker, schedulerWorkerFrom, type WorkerInfo } from "@codalab/core";
import { eq, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { groups, workers } from "../db/schema.ts";
import { newUuid } from "../ids.ts";
import { loadOwner, type RunOwner } from "./run-owner.ts";

export type WorkerRow = typeof workers.$inferSelect;

/** The worker `name` of `ownerId`, created on first connection. Only admins may offer a shared-pool worker. */
export async function registerWorker(db: Db, ownerId: string, name: string, sharedPool: boolean): Promise<WorkerRow> {
  const [row] = await db
    .insert(workers)
    .values({ id: newUuid(), ownerId, name, sharedPool })
    .onConflictDoUpdate({ target: [workers.ownerId, workers.name], set: { sharedPool } })
    .returning();
  if (row === undefined) throw new Error(`registering worker ${name} returned nothing`);
  return row;
}

/** A named group the owner belongs to (by uuid or name), or null: a worker cannot serve a group its owner is not in. */
async function resolveGroup(db: Db, owner: RunOwner, group: string | null): Promise<string | null> {
  if (group === null) return null;
  const rows = await db
    .select({ uuid: groups.uuid })
    .from(groups)
    .where(or(eq(groups.uuid, group), eq(groups.name, group)));
  const found = rows.find((row) => owner.groups.includes(row.uuid));
  return found?.uuid ?? null;
}

export type ConnectedWorker = { row: WorkerRow; owner: RunOwner; worker: SchedulerWorker };

/** Records the runner's description (hello or capacity update); null when the worker or its owner is gone. */
export async function recordWorkerInfo(
  db: Db,
  workerId: string,
  info: WorkerInfo,
  now: number,
): Promise<ConnectedWorker | null> {
  const existing = await db.query.workers.findFirst({ where: eq(workers.id, workerId) });
  if (existing === undefined) return null;
  const owner = await loadOwner(db, existing.ownerId);
  if (owner === null) return null;
  const groupUuid = await resolveGroup(db, owner, info.group);
  const [row] = await db
    .update(workers)
    .set({
      tag: info.tag,
      tagExclusive: info.tag_exclusive,
      groupUuid,
      hostname: info.hostname,
      runtime: info.runtime,
      cpus: info.capacity.cpus,
      gpus: info.capacity.gpus,
      memoryBytes: info.capacity.memory_bytes,
      freeDiskBytes: info.capacity.free_disk_bytes,
      maxRuns: info.max_runs,
      isTerminating: info.is_terminating,
      preemptible: info.preemptible,
      connected: true,
      lastCheckin: Math.floor(now / 1000),
    })
    .where(eq(workers.id, workerId))
    .returning();
  if (row === undefined) return null;
  const worker = schedulerWorkerFrom(info, {
    worker_id: row.id,
    owner_id: row.ownerId,
    group_id: row.groupUuid,
    shared_pool: row.sharedPool && owner.user.isAdmin,
  });
  return { row, owner, worker };
}

export async function recordDisconnect(db: Db, workerId: string): Promise<void> {
  await db.update(workers).set({ connected: false }).where(eq(workers.id, workerId));
}

export async function findWorker(db: Db, workerId: string): Promise<WorkerRow | undefined> {
  return db.query.workers.findFirst({ where: eq(workers.id, workerId) });
}
