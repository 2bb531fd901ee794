import {
  DEFAULT_REQUEST_MEMORY_BYTES,
  type PermissionCaller,
  type WorkerJson,
  WorkerListResponseSchema,
} from "@codalab/core";
import { poolView, workerView } from "@codalab/core/runs/worker-visibility";
import { createRoute } from "@hono/zod-openapi";
import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { users, workers } from "../../db/schema.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";

const route = createRoute({
  method: "get",
  path: "/rest/workers",
  tags: ["workers"],
  summary: "Compute workers the caller may use: their own, their groups' and the shared pool (admins see all)",
  description:
    "On a shared-pool worker the caller neither owns nor shares a group with, `hostname` and `group_uuid` are null and `runs` lists only the caller's runs; `run_count` counts them all.",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(WorkerListResponseSchema, "Workers with capacity, what their runs use, and the runs"),
    ...errors({ 401: "Not logged in" }),
  },
});

export function registerListWorkers(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    return c.json({ workers: await listWorkers(c.get("db"), await permissionCaller(c)) }, 200);
  });
}

type UsageRow = {
  worker_id: string;
  cpus: number;
  gpus: number;
  memory: number;
  run_count: number;
  runs: string | null;
  callers_runs: string | null;
};

const splitUuids = (list: string | null) => (list ? list.split(",").sort() : []);

/** Workers the caller may see (core's `workerView`), each as much as they may see of it. */
async function listWorkers(db: Db, caller: PermissionCaller): Promise<WorkerJson[]> {
  if (caller.kind !== "user") return [];
  let where: SQL | undefined;
  if (!caller.isAdmin) {
    // Only an admin's shared-pool worker is the shared pool (the scheduler's rule too).
    const visible = [eq(workers.ownerId, caller.userId), and(eq(workers.sharedPool, true), eq(users.isAdmin, true))];
    if (caller.groupUuids.size > 0) visible.push(inArray(workers.groupUuid, [...caller.groupUuids]));
    where = or(...visible);
  }
  const rows = await db
    .select({ worker: workers, ownerName: users.userName, ownerIsAdmin: users.isAdmin })
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
      count(*) as run_count,
      group_concat(wr.bundle_uuid) as runs,
      group_concat(case when b.owner_id = ${caller.userId} then wr.bundle_uuid end) as callers_runs
    from worker_runs wr join bundles b on b.uuid = wr.bundle_uuid
    group by wr.worker_id`);
  const byWorker = new Map(usage.map((row) => [row.worker_id, row]));
  const listed: WorkerJson[] = [];
  for (const { worker, ownerName, ownerIsAdmin } of rows) {
    const view = workerView(caller, {
      ownerId: worker.ownerId,
      groupUuid: worker.groupUuid,
      sharedPool: worker.sharedPool && ownerIsAdmin === true,
    });
    if (view === null) continue;
    const used = byWorker.get(worker.id);
    const json: WorkerJson = {
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
      runs: splitUuids(used?.runs ?? null),
      run_count: used?.run_count ?? 0,
    };
    listed.push(view === "full" ? json : poolView(json, splitUuids(used?.callers_runs ?? null)));
  }
  return listed;
}
