import { describe, expect, it } from "vitest";
import type { WorkerJson } from "../api/runs.ts";
import type { PermissionCaller } from "../permissions/effective-permission.ts";
import { poolView, workerView } from "./worker-visibility.ts";

const user = (userId: string, groups: string[] = [], isAdmin = false): PermissionCaller => ({
  kind: "user",
  userId,
  isAdmin,
  groupUuids: new Set(groups),
});

describe("who sees which worker", () => {
  const own = { ownerId: "alice", groupUuid: null, sharedPool: false };
  const team = { ownerId: "alice", groupUuid: "team", sharedPool: false };
  const pool = { ownerId: "root", groupUuid: null, sharedPool: true };

  it("shows owners, group members and admins everything", () => {
    expect(workerView(user("alice"), own)).toBe("full");
    expect(workerView(user("bob", ["team"]), team)).toBe("full");
    expect(workerView(user("root", [], true), own)).toBe("full");
    expect(workerView(user("root", [], true), pool)).toBe("full");
  });

  it("shows everyone else the shared pool's public view, and nothing of other private workers", () => {
    expect(workerView(user("bob"), pool)).toBe("pool");
    expect(workerView(user("bob"), { ...pool, groupUuid: "ops" })).toBe("pool");
    expect(workerView(user("bob", ["ops"]), { ...pool, groupUuid: "ops" })).toBe("full");
    expect(workerView(user("bob"), own)).toBeNull();
    expect(workerView(user("bob"), team)).toBeNull();
    expect(workerView({ kind: "anonymous" }, pool)).toBeNull();
  });

  it("hides the pool worker's host, group and other users' runs, keeping what explains waiting", () => {
    const worker: WorkerJson = {
      id: "w1",
      name: "pool-1",
      owner_id: "root",
      owner_name: "codalab",
      group_uuid: "ops",
      tag: "gpu",
      tag_exclusive: false,
      shared_pool: true,
      preemptible: false,
      hostname: "gpu-17.internal",
      runtime: "docker",
      connected: true,
      last_checkin: 1,
      cpus: 8,
      gpus: 1,
      memory_bytes: 1024,
      free_disk_bytes: 2048,
      cpus_used: 3,
      gpus_used: 1,
      memory_used: 512,
      max_runs: null,
      is_terminating: false,
      runs: ["0xmine", "0xtheirs", "0xothers"],
      run_count: 3,
    };
    expect(poolView(worker, ["0xmine"])).toEqual({
      ...worker,
      hostname: null,
      group_uuid: null,
      runs: ["0xmine"],
      run_count: 3,
    });
  });
});
