/**
 * Who sees which compute worker in `GET /rest/workers` (`cl workers`, the web's /workers page),
 * and how much of it. CodaLab lists your own workers and your groups' (root sees all); users
 * could not see the shared pool their runs wait for. Here everyone also sees the shared pool
 * (workers an admin offered to everyone), but only what explains where their runs go and why
 * they wait: name, tag, resources free and total, how many runs it holds and which are theirs.
 * Not its host, its group, or other users' runs.
 */
import type { WorkerJson } from "../api/runs.ts";
import type { PermissionCaller } from "../permissions/effective-permission.ts";

/** "full": everything; "pool": the shared pool's public view; null: not listed. */
export type WorkerView = "full" | "pool" | null;

export type WorkerAccess = {
  ownerId: string;
  groupUuid: string | null;
  /** Offered to everyone, and its owner is an admin (only admins may offer one). */
  sharedPool: boolean;
};

export function workerView(caller: PermissionCaller, worker: WorkerAccess): WorkerView {
  if (caller.kind !== "user") return null;
  if (caller.isAdmin || worker.ownerId === caller.userId) return "full";
  if (worker.groupUuid !== null && caller.groupUuids.has(worker.groupUuid)) return "full";
  return worker.sharedPool ? "pool" : null;
}

/** A shared-pool worker as a user who neither owns it nor serves its group sees it. */
export function poolView(worker: WorkerJson, callersRuns: readonly string[]): WorkerJson {
  return { ...worker, hostname: null, group_uuid: null, runs: [...callersRuns] };
}
