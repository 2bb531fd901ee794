/**
 * The `workers` rows: registered when a runner connects (name unique per owner), refreshed from
 * what the runner says in `hello` and `capacity_update`, and listed for `cl workers`. Live state
 * (the socket, queued commands) is in the worker's session; this row is what the rest of the
 * system can query.
 */
import {
  DEFAULT_REQUEST_MEMORY_BYTES,
  type PermissionCaller,
  type SchedulerWorker,
  schedulerWorkerFrom,
  type WorkerInfo,
  type WorkerJson,
} from "@codalab/core";
import { eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { groups, users, workers } from "../db/schema.ts";
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

type UsageRow = { worker_id: string; cpus: number; gpus: number; memory: number; runs: string | null };

/** Workers the caller may see: their own, those serving a group they are in; admins see all. */
export async function listWorkers(db: Db, caller: PermissionCaller): Promise<WorkerJson[]> {
  let where: SQL | undefined;
  if (caller.kind !== "user") return [];
  if (!caller.isAdmin) {
    const mine = eq(workers.ownerId, caller.userId);
    where = caller.groupUuids.size > 0 ? or(mine, inArray(workers.groupUuid, [...caller.groupUuids])) : mine;
  }
  const rows = await db
    .select({ worker: workers, ownerName: users.userName })
    .from(workers)
    .leftJoin(users, eq(users.id, workers.ownerId))
    .where(where)
    .orderBy(workers.createdAt, workers.id);
  if (rows.length === 0) return [];
  const usage = await db.all<UsageRow>(sql`
    select wr.worker_id as worker_id,
      sum(coalesce(b.request_cpus, 1)) as cpus,
      sum(coalesce(b.request_gpus, 0)) as gpus,
      sum(coalesce(b.request_memory, ${DEFAULT_REQUEST_MEMORY_BYTES})) as memory,
      group_concat(wr.bundle_uuid) as runs
    from worker_runs wr join bundles b on b.uuid = wr.bundle_uuid
    group by wr.worker_id`);
  const byWorker = new Map(usage.map((row) => [row.worker_id, row]));
  return rows.map(({ worker, ownerName }) => {
    const used = byWorker.get(worker.id);
    return {
      id: worker.id,
      name: worker.name,
      owner_id: worker.ownerId,
      owner_name: ownerName,
      group_uuid: worker.groupUuid,
      tag: worker.tag,
      tag_exclusive: worker.tagExclusive,
      shared_pool: worker.sharedPool,
      preemptible: worker.preemptible,
      hostname: worker.hostname,
      runtime: worker.runtime,
      connected: worker.connected,
      last_checkin: worker.lastCheckin,
      cpus: worker.cpus,
      gpus: worker.gpus,
      memory_bytes: worker.memoryBytes,
      free_disk_bytes: worker.freeDiskBytes,
      cpus_used: used?.cpus ?? 0,
      gpus_used: used?.gpus ?? 0,
      memory_used: used?.memory ?? 0,
      max_runs: worker.maxRuns,
      is_terminating: worker.isTerminating,
      runs: used?.runs ? used.runs.split(",").sort() : [],
    };
  });
}
