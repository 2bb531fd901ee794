import { describe, expect, it } from "vitest";
import {
  compareWorker,
  dependencyKey,
  orderRuns,
  type PlacementRequirements,
  type PolicyInput,
  type PolicyRun,
  type PolicyUser,
  type PolicyWorker,
  runPermissionFromGroups,
  scheduleRuns,
} from "./scheduling-policy.ts";

const GiB = 1024 ** 3;
let counter = 0;

function run(
  overrides: Partial<Omit<PolicyRun, "requirements">> & { requirements?: Partial<PlacementRequirements> } = {},
) {
  counter++;
  const { requirements, ...rest } = overrides;
  return {
    uuid: `0x${String(counter).padStart(32, "0")}`,
    owner_id: "alice",
    order: counter,
    dependency_keys: [],
    ...rest,
    requirements: {
      cpus: 1,
      gpus: 0,
      memory: 2 * GiB,
      disk: 0,
      disk_requested: false,
      queue: null,
      priority: null,
      ...requirements,
    },
  } satisfies PolicyRun;
}

function worker(id: string, overrides: Partial<PolicyWorker> = {}): PolicyWorker {
  return {
    worker_id: id,
    owner_id: "alice",
    group_id: null,
    tag: null,
    tag_exclusive: false,
    cpus: 4,
    gpus: 0,
    memory_bytes: 16 * GiB,
    free_disk_bytes: 100 * GiB,
    used: { cpus: 0, gpus: 0, memory_bytes: 0 },
    running: 0,
    runs_left: null,
    is_terminating: false,
    shared_pool: false,
    cached_dependencies: [],
    ...overrides,
  };
}

const pool = (id: string, overrides: Partial<PolicyWorker> = {}) =>
  worker(id, { owner_id: "root", shared_pool: true, ...overrides });

const users = (extra: Record<string, Partial<PolicyUser>> = {}): Record<string, PolicyUser> => {
  const base: Record<string, PolicyUser> = {
    alice: { groups: [], parallel_run_quota: 3, parallel_runs_used: 0 },
    bob: { groups: [], parallel_run_quota: 3, parallel_runs_used: 0 },
    root: { groups: [], parallel_run_quota: 0, parallel_runs_used: 0, is_admin: true },
  };
  for (const [id, user] of Object.entries(extra)) base[id] = { ...(base[id] ?? base.alice), ...user } as PolicyUser;
  return base;
};

function schedule(input: Partial<PolicyInput> & { runs: PolicyRun[]; workers: PolicyWorker[] }) {
  return scheduleRuns({ users: users(), ...input });
}

function placement(result: ReturnType<typeof scheduleRuns>): Record<string, string> {
  return Object.fromEntries(result.assignments.map((a) => [a.uuid, a.worker_id]));
}

describe("queue order", () => {
  it("re-orders each owner's runs among that owner's positions by priority, then queue (CodaLab's example)", () => {
    const b1 = run({ owner_id: "A", order: 1, requirements: { priority: 1 } });
    const b2 = run({ owner_id: "B", order: 2, requirements: { priority: 2 } });
    const b3 = run({ owner_id: "A", order: 3, requirements: { priority: 3 } });
    const b4 = run({ owner_id: "B", order: 4, requirements: { priority: 1 } });
    const b5 = run({ owner_id: "A", order: 5, requirements: { priority: 1, queue: "gpu" } });
    expect(orderRuns([b5, b4, b3, b2, b1]).map((r) => r.uuid)).toEqual([b3, b2, b5, b4, b1].map((r) => r.uuid));
  });

  it("puts runs with no priority between non-negative and negative priorities", () => {
    const negative = run({ order: 1, requirements: { priority: -1 } });
    const unset = run({ order: 2 });
    const zero = run({ order: 3, requirements: { priority: 0 } });
    const veryNegative = run({ order: 4, requirements: { priority: -5 } });
    expect(orderRuns([negative, unset, zero, veryNegative]).map((r) => r.uuid)).toEqual(
      [zero, unset, negative, veryNegative].map((r) => r.uuid),
    );
  });

  it("never lets one owner's priority jump another owner's run", () => {
    const first = run({ owner_id: "bob", order: 1 });
    const urgent = run({ owner_id: "alice", order: 2, requirements: { priority: 100 } });
    const result = schedule({ runs: [urgent, first], workers: [pool("p1", { cpus: 1 })] });
    expect(placement(result)).toEqual({ [first.uuid]: "p1" });
  });
});

describe("who may use which worker", () => {
  it("runs a user's bundle on the user's own worker without counting the parallel-run quota", () => {
    const runs = [run(), run(), run(), run(), run()];
    const result = scheduleRuns({
      runs,
      workers: [worker("own", { cpus: 8 })],
      users: users({ alice: { parallel_run_quota: 0 } }),
    });
    expect(result.assignments).toHaveLength(5);
  });

  it("uses the shared pool only while the owner has parallel-run quota left", () => {
    const runs = [run(), run(), run()];
    const result = scheduleRuns({
      runs,
      workers: [pool("p1", { cpus: 8 })],
      users: users({ alice: { parallel_run_quota: 3, parallel_runs_used: 1 } }),
    });
    expect(result.assignments.map((a) => a.uuid)).toEqual([runs[0]?.uuid, runs[1]?.uuid]);
    expect(result.waiting).toEqual([
      {
        uuid: runs[2]?.uuid,
        reason: "parallel_quota",
        runs_ahead: 0,
        staged_status:
          "Waiting for one of your runs on shared workers to finish (parallel run quota: 3); this run is next.",
      },
    ]);
  });

  it("counts how many of the owner's own runs are held back ahead by the quota", () => {
    const runs = [run(), run()];
    const result = scheduleRuns({
      runs,
      workers: [pool("p1")],
      users: users({ alice: { parallel_run_quota: 0 } }),
    });
    expect(result.waiting.map((w) => w.runs_ahead)).toEqual([0, 1]);
    expect(result.waiting[1]?.staged_status).toContain("1 of your runs ahead of this one");
  });

  it("lets an admin run on the admin's own pool workers without quota", () => {
    const adminRun = run({ owner_id: "root" });
    expect(placement(schedule({ runs: [adminRun], workers: [pool("p1")] }))).toEqual({ [adminRun.uuid]: "p1" });
  });

  it("runs group members' bundles on a group worker only when the sharing rule allows", () => {
    const groupWorker = worker("lab", { owner_id: "bob", group_id: "g-lab" });
    const labUsers = users({ alice: { groups: ["g-lab"] }, bob: { groups: ["g-lab"] } });
    const shared = run({ group_permissions: { "g-lab": "read" } });
    const private_ = run();
    const result = scheduleRuns({ runs: [private_, shared], workers: [groupWorker], users: labUsers });
    expect(placement(result)).toEqual({ [shared.uuid]: "lab" });
    expect(result.waiting[0]?.reason).toBe("no_worker");
  });

  it("never uses a group worker for someone outside the group, even when the bundle is shared with it", () => {
    const groupWorker = worker("lab", { owner_id: "bob", group_id: "g-lab" });
    const outsider = run({ group_permissions: { "g-lab": "all" } });
    expect(scheduleRuns({ runs: [outsider], workers: [groupWorker], users: users() }).assignments).toEqual([]);
  });

  it("keeps the parallel-run quota on a pool worker that also names a group", () => {
    const r = run();
    const result = scheduleRuns({
      runs: [r],
      workers: [pool("p1", { group_id: "g-lab" })],
      users: users({ alice: { groups: ["g-lab"], parallel_run_quota: 0 } }),
    });
    expect(result.waiting[0]?.reason).toBe("parallel_quota");
  });

  it("accepts a custom permission predicate", () => {
    const groupWorker = worker("lab", { owner_id: "bob", group_id: "g-lab" });
    const r = run();
    const result = scheduleRuns({
      runs: [r],
      workers: [groupWorker],
      users: users({ alice: { groups: ["g-lab"] } }),
      may_run: () => true,
    });
    expect(placement(result)).toEqual({ [r.uuid]: "lab" });
  });

  it("gives a user unknown to the policy no groups and no shared-pool quota", () => {
    const stranger = run({ owner_id: "carol" });
    const result = scheduleRuns({ runs: [stranger], workers: [pool("p1")], users: {} });
    expect(result.waiting[0]?.reason).toBe("parallel_quota");
  });

  it("does not offer a run again to a worker that refused it", () => {
    const r = run({ excluded_workers: ["own"] });
    const result = schedule({ runs: [r], workers: [worker("own")] });
    expect(result.assignments).toEqual([]);
    expect(result.waiting[0]?.staged_status).toContain("[worker own refused this run]");
  });
});

describe("runPermissionFromGroups", () => {
  const all = users({ bob: { groups: ["g-friends"] } });
  const may = runPermissionFromGroups(all);
  const groupWorker = worker("lab", { owner_id: "bob", group_id: "g-lab" });

  it("allows the owner's own workers", () => {
    expect(may(run(), worker("own"))).toBe(true);
  });

  it("allows a run shared with the worker's group at any level", () => {
    expect(may(run({ group_permissions: { "g-lab": "read" } }), groupWorker)).toBe(true);
    expect(may(run({ group_permissions: { "g-lab": "none" } }), groupWorker)).toBe(false);
  });

  it("allows a run on which the worker owner has all through another group (CodaLab's rule)", () => {
    expect(may(run({ group_permissions: { "g-friends": "all" } }), groupWorker)).toBe(true);
    expect(may(run({ group_permissions: { "g-friends": "read" } }), groupWorker)).toBe(false);
  });

  it("allows admins' workers and refuses workers of unknown owners", () => {
    expect(may(run(), worker("adm", { owner_id: "root", group_id: "g-lab" }))).toBe(true);
    expect(may(run(), worker("x", { owner_id: "nobody", group_id: "g-lab" }))).toBe(false);
  });
});

describe("what fits where", () => {
  it("subtracts the runs already on a worker and those it just placed", () => {
    const runs = [
      run({ requirements: { cpus: 2 } }),
      run({ requirements: { cpus: 2 } }),
      run({ requirements: { cpus: 2 } }),
    ];
    const result = schedule({ runs, workers: [worker("w", { cpus: 6, used: { cpus: 2, gpus: 0, memory_bytes: 0 } })] });
    expect(result.assignments).toHaveLength(2);
    expect(result.waiting[0]?.reason).toBe("busy");
  });

  it("checks GPUs, memory and explicitly requested disk", () => {
    const gpuRun = run({ requirements: { gpus: 1 } });
    const bigMemory = run({ requirements: { memory: 32 * GiB } });
    const bigDisk = run({ requirements: { disk: 200 * GiB, disk_requested: true } });
    const defaultDisk = run({ requirements: { disk: 900 * GiB, disk_requested: false } });
    const result = schedule({ runs: [gpuRun, bigMemory, bigDisk, defaultDisk], workers: [worker("w")] });
    expect(placement(result)).toEqual({ [defaultDisk.uuid]: "w" });
    expect(result.waiting.map((w) => w.reason)).toEqual(["no_worker", "no_worker", "no_worker"]);
  });

  it("sends a run with a queue only to workers with that tag", () => {
    const tagged = run({ requirements: { queue: "gpu" } });
    const result = schedule({ runs: [tagged], workers: [worker("plain"), worker("gpu-box", { tag: "gpu" })] });
    expect(placement(result)).toEqual({ [tagged.uuid]: "gpu-box" });
  });

  it("keeps tag-exclusive workers for runs of their queue", () => {
    const plain = run();
    const result = schedule({ runs: [plain], workers: [worker("exclusive", { tag: "big", tag_exclusive: true })] });
    expect(result.assignments).toEqual([]);
    expect(result.waiting[0]?.staged_status).toContain("[reserved for queue big]");
  });

  it("skips terminating workers and workers with no runs left", () => {
    const r = run();
    const result = schedule({
      runs: [r],
      workers: [worker("leaving", { is_terminating: true }), worker("done", { runs_left: 0 })],
    });
    expect(result.assignments).toEqual([]);
    expect(result.waiting[0]?.staged_status).toContain("[shutting down]");
    expect(result.waiting[0]?.staged_status).toContain("[no runs left before it exits]");
  });

  it("counts down runs_left as it places runs", () => {
    const result = schedule({ runs: [run(), run()], workers: [worker("w", { runs_left: 1 })] });
    expect(result.assignments).toHaveLength(1);
  });
});

describe("preference among workers that fit", () => {
  it("prefers own and group workers to the shared pool", () => {
    const r = run();
    const result = schedule({ runs: [r], workers: [pool("p1"), worker("own", { cpus: 64 })] });
    expect(placement(result)).toEqual({ [r.uuid]: "own" });
  });

  it("prefers tag-exclusive workers for runs of their queue", () => {
    const r = run({ requirements: { queue: "big" } });
    const result = schedule({
      runs: [r],
      workers: [worker("shared-tag", { tag: "big" }), worker("excl", { tag: "big", tag_exclusive: true, cpus: 64 })],
    });
    expect(placement(result)).toEqual({ [r.uuid]: "excl" });
  });

  it("keeps GPU workers free for GPU runs", () => {
    const r = run();
    const result = schedule({ runs: [r], workers: [worker("gpu", { gpus: 4, cpus: 1 }), worker("cpu", { cpus: 64 })] });
    expect(placement(result)).toEqual({ [r.uuid]: "cpu" });
  });

  it("gives a GPU run the tightest GPU fit", () => {
    const r = run({ requirements: { gpus: 2 } });
    const result = schedule({ runs: [r], workers: [worker("eight", { gpus: 8 }), worker("two", { gpus: 2 })] });
    expect(placement(result)).toEqual({ [r.uuid]: "two" });
  });

  it("prefers the worker with most dependencies cached, a shared file system counting as all", () => {
    const deps = [dependencyKey("0xa", ""), dependencyKey("0xb", "sub/dir")];
    expect(deps).toEqual(["0xa", "0xb/sub/dir"]);
    const r = run({ dependency_keys: deps });
    const one = worker("one", { cached_dependencies: new Set(["0xa"]) });
    const both = worker("both", { cached_dependencies: ["0xa", "0xb/sub/dir"], cpus: 64 });
    expect(placement(schedule({ runs: [r], workers: [one, both] }))).toEqual({ [r.uuid]: "both" });
    const sharedFs = worker("nfs", { shared_file_system: true, cpus: 64 });
    expect(placement(schedule({ runs: [r], workers: [one, sharedFs] }))).toEqual({ [r.uuid]: "nfs" });
  });

  it("packs onto the worker with fewer free CPUs, then fewer runs", () => {
    const r = run();
    expect(
      placement(schedule({ runs: [r], workers: [worker("big", { cpus: 32 }), worker("small", { cpus: 2 })] })),
    ).toEqual({
      [r.uuid]: "small",
    });
    const busy = worker("busy", { cpus: 4, running: 3 });
    const idle = worker("idle", { cpus: 4, running: 0 });
    expect(placement(schedule({ runs: [r], workers: [busy, idle] }))).toEqual({ [r.uuid]: "idle" });
  });

  it("breaks ties deterministically yet spreads runs over equal workers", () => {
    const runs = Array.from({ length: 40 }, () => run());
    const workers = Array.from({ length: 4 }, (_, i) => worker(`w${i}`, { cpus: 1000, memory_bytes: 1000 * GiB }));
    const first = placement(schedule({ runs, workers }));
    expect(placement(schedule({ runs, workers: [...workers].reverse() }))).toEqual(first);
    // Free CPUs decide after the first placement (packing); a fresh run of equal workers is spread by the hash.
    const single = runs.map((r) => placement(schedule({ runs: [r], workers }))[r.uuid]);
    expect(new Set(single).size).toBeGreaterThan(1);
  });

  it("does not modify its inputs", () => {
    const workers = [worker("w", { cpus: 2 })];
    const runs = [run(), run()];
    const before = JSON.stringify({ workers, runs });
    schedule({ runs, workers });
    expect(JSON.stringify({ workers, runs })).toBe(before);
  });
});

describe("staged_status texts", () => {
  it("says what a waiting run needs and how many runs are ahead of it", () => {
    const runs = [
      run({ requirements: { gpus: 2 } }),
      run({ requirements: { gpus: 2 } }),
      run({ requirements: { gpus: 2 } }),
    ];
    const result = schedule({ runs, workers: [worker("gpu", { gpus: 2 })] });
    expect(result.assignments).toHaveLength(1);
    expect(result.waiting.map((w) => w.staged_status)).toEqual([
      "Waiting for a worker with 2 GPUs, 1 CPU and 2g memory free; you are next in the queue.",
      "Waiting for a worker with 2 GPUs, 1 CPU and 2g memory free; 1 run ahead of you in the queue.",
    ]);
  });

  it("names the queue and the disk when they matter", () => {
    const runs = [
      run({ requirements: { queue: "big", disk: 10 * GiB, disk_requested: true, cpus: 4 } }),
      run({ requirements: { queue: "big", disk: 10 * GiB, disk_requested: true, cpus: 4 } }),
      run({ requirements: { queue: "big", disk: 10 * GiB, disk_requested: true, cpus: 4 } }),
    ];
    const result = schedule({ runs, workers: [worker("b", { tag: "big" })] });
    expect(result.waiting[1]?.staged_status).toBe(
      "Waiting for a worker with 4 CPUs, 2g memory and 10g disk free in queue big; 1 run ahead of you in the queue.",
    );
  });

  it("counts only the runs ahead for the least contested worker that could take the run", () => {
    const bigRuns = Array.from({ length: 3 }, () => run({ requirements: { cpus: 8 } }));
    const small = run({ requirements: { cpus: 1 } });
    const workers = [
      worker("large", { cpus: 8, used: { cpus: 8, gpus: 0, memory_bytes: 0 } }),
      worker("tiny", { cpus: 1, used: { cpus: 1, gpus: 0, memory_bytes: 0 } }),
    ];
    const result = schedule({ runs: [...bigRuns, small], workers });
    const smallWait = result.waiting.find((w) => w.uuid === small.uuid);
    expect(smallWait?.runs_ahead).toBe(0);
    expect(result.waiting.map((w) => w.runs_ahead)).toEqual([0, 1, 2, 0]);
  });

  it("says at once when no connected worker could ever run the request, comparing what is available", () => {
    const r = run({ requirements: { cpus: 8, memory: 32 * GiB, gpus: 1 } });
    const result = schedule({ runs: [r], workers: [worker("w1"), worker("w2"), worker("other", { owner_id: "bob" })] });
    expect(result.waiting).toEqual([
      {
        uuid: r.uuid,
        reason: "no_worker",
        runs_ahead: 0,
        staged_status:
          "No worker can ever satisfy this request — available: [4 CPUs (8 requested), 0 GPUs (1 requested), 16g memory (32g requested)]. It stays staged until such a worker connects.",
      },
    ]);
  });

  it("says so when no worker the owner may use is connected at all", () => {
    const result = schedule({ runs: [run()], workers: [worker("bobs", { owner_id: "bob" })] });
    expect(result.waiting[0]?.staged_status).toBe(
      "No worker can ever satisfy this request — available: no connected worker you may use. It stays staged until one connects.",
    );
  });

  it("lists at most five distinct shortfalls", () => {
    const r = run({ requirements: { cpus: 100 } });
    const workers = Array.from({ length: 7 }, (_, i) => worker(`w${i}`, { cpus: i + 1 }));
    const status = schedule({ runs: [r], workers }).waiting[0]?.staged_status ?? "";
    expect(status).toContain("[5 CPUs (100 requested)]");
    expect(status).not.toContain("[6 CPUs");
    expect(status).toContain("and 2 more.");
  });

  it("compares queues and disks the way CodaLab's get_comparison does", () => {
    const r = run({ requirements: { queue: "gpu", disk: 500 * GiB, disk_requested: true } });
    expect(compareWorker(r, worker("w"))).toBe("[No queue (gpu requested), 100g disk (500g requested)]");
    expect(compareWorker(r, worker("w", { tag: "cpu" }))).toContain("cpu queue (gpu requested)");
  });

  it("does not count a quota-blocked run as waiting for the pool", () => {
    const bobsRun = run({ owner_id: "bob" });
    const alicesRuns = [run(), run()];
    const result = scheduleRuns({
      runs: [...alicesRuns, bobsRun],
      workers: [pool("p1", { cpus: 1, used: { cpus: 1, gpus: 0, memory_bytes: 0 } })],
      users: users({ alice: { parallel_run_quota: 0 } }),
    });
    const bob = result.waiting.find((w) => w.uuid === bobsRun.uuid);
    expect(bob?.staged_status).toContain("you are next in the queue");
  });
});

describe("an admin's pool and quota together", () => {
  it("counts an admin's own pool workers even when the admin's quota is spent", () => {
    const adminRuns = [
      run({ owner_id: "root", requirements: { cpus: 4 } }),
      run({ owner_id: "root", requirements: { cpus: 4 } }),
    ];
    const result = schedule({ runs: adminRuns, workers: [pool("p1"), pool("p2", { owner_id: "other-admin" })] });
    expect(result.assignments).toHaveLength(1);
    expect(result.waiting[0]?.reason).toBe("busy");
  });
});
