/**
 * The pure assignment policy (spec §8.5 steps 4–8): which staged run goes to which worker, and for
 * every run left waiting a `staged_status` that says why, in words.
 *
 * Order: global FIFO by creation, but each owner's runs are re-ordered among that owner's queue
 * positions by priority (>= 0 high to low, then unset, then negative) and, at equal priority, runs
 * with a queue first. A run may use its owner's workers, workers of a group its owner belongs to
 * (when `may_run` allows), and the shared pool while the owner has parallel-run quota left.
 * Preference among workers that fit: own/group workers before the shared pool (saves the pool and
 * the quota; CodaLab only did this implicitly), tag-exclusive first, CPU-only workers for runs
 * without GPUs (and the tightest GPU fit for runs with GPUs), most cached dependencies, fewest
 * free CPUs, fewest runs, then a hash of (run, worker) so equal workers share the load
 * deterministically instead of by `random()`.
 *
 * Cost: O(runs × open workers) for placement, where a worker leaves the open set once it cannot
 * take even the smallest staged run, plus O(runs × capable workers) for the waiting texts, with the
 * capability scan memoised per distinct request. No sorting of workers per run.
 */
import type { PermissionLevel } from "../constants.ts";
import { formatSize } from "../format/size.ts";
import type { RunRequirements } from "./resources.ts";

export type PlacementRequirements = Pick<
  RunRequirements,
  "cpus" | "gpus" | "memory" | "disk" | "disk_requested" | "queue" | "priority"
>;

export type PolicyRun = {
  uuid: string;
  owner_id: string;
  /** Creation order (the bundle row id): the global FIFO key. */
  order: number;
  requirements: PlacementRequirements;
  /** `dependencyKey(parent_uuid, parent_path)` of each dependency, for cache affinity. */
  dependency_keys: readonly string[];
  /** The run's group permissions (group id → level), for the default `may_run`. */
  group_permissions?: Readonly<Record<string, PermissionLevel>>;
  /** Workers that refused this run; it is not offered to them again. */
  excluded_workers?: readonly string[];
};

export type PolicyWorker = {
  worker_id: string;
  owner_id: string;
  group_id: string | null;
  tag: string | null;
  tag_exclusive: boolean;
  /** Totals as the worker reported them. */
  cpus: number;
  gpus: number;
  memory_bytes: number;
  free_disk_bytes: number;
  /** Held by the runs already on the worker (starting or running). */
  used: { cpus: number; gpus: number; memory_bytes: number };
  /** Runs on the worker now. */
  running: number;
  /** Runs it will still accept before exiting; null = no limit. */
  runs_left: number | null;
  is_terminating: boolean;
  /** Owned by an admin: the shared public pool, limited by each user's parallel-run quota. */
  shared_pool: boolean;
  /** Sees every bundle already: counts as having all dependencies cached. */
  shared_file_system?: boolean;
  cached_dependencies: ReadonlySet<string> | readonly string[];
};

export type PolicyUser = {
  groups: readonly string[];
  parallel_run_quota: number;
  /** The user's runs on shared-pool workers now. */
  parallel_runs_used: number;
  is_admin?: boolean;
};

export type RunPermission = (run: PolicyRun, worker: PolicyWorker) => boolean;

export type PolicyInput = {
  runs: readonly PolicyRun[];
  workers: readonly PolicyWorker[];
  /** Users by id; a missing user has no groups and no quota on the shared pool. */
  users: Readonly<Record<string, PolicyUser>>;
  /** May `worker` (a group worker of the run owner's group) run `run`? Default: `runPermissionFromGroups`. */
  may_run?: RunPermission;
};

export type Assignment = { uuid: string; worker_id: string };

export const WAIT_REASONS = ["no_worker", "parallel_quota", "busy"] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export type WaitingRun = {
  uuid: string;
  reason: WaitReason;
  /** Waiting runs ahead of this one for the least contested worker that could take it. */
  runs_ahead: number;
  staged_status: string;
};

export type PolicyResult = { assignments: Assignment[]; waiting: WaitingRun[] };

/** The key a worker's dependency cache and a run's dependencies share. */
export function dependencyKey(parentUuid: string, parentPath: string): string {
  return parentPath === "" ? parentUuid : `${parentUuid}/${parentPath}`;
}

/**
 * Our sharing rule for group workers: the worker owner has `all` on the run (CodaLab's rule), or
 * the run is shared with the worker's group at all (the owner chose to share it with that group).
 */
export function runPermissionFromGroups(users: Readonly<Record<string, PolicyUser>>): RunPermission {
  return (run, worker) => {
    if (worker.owner_id === run.owner_id) return true;
    const permissions = run.group_permissions ?? {};
    if (worker.group_id !== null && (permissions[worker.group_id] ?? "none") !== "none") return true;
    const owner = users[worker.owner_id];
    if (!owner) return false;
    return owner.is_admin === true || owner.groups.some((group) => permissions[group] === "all");
  };
}

function priorityClass(priority: number | null): number {
  if (priority === null) return 1;
  return priority >= 0 ? 0 : 2;
}

function compareWithinOwner(a: PolicyRun, b: PolicyRun): number {
  const pa = a.requirements.priority;
  const pb = b.requirements.priority;
  const classDiff = priorityClass(pa) - priorityClass(pb);
  if (classDiff !== 0) return classDiff;
  if (pa !== null && pb !== null && pa !== pb) return pb - pa;
  const queueDiff = Number(b.requirements.queue !== null) - Number(a.requirements.queue !== null);
  if (queueDiff !== 0) return queueDiff;
  return a.order - b.order || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
}

/** The queue order of spec §8.5 step 4. */
export function orderRuns(runs: readonly PolicyRun[]): PolicyRun[] {
  const ordered = [...runs].sort((a, b) => a.order - b.order || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  const positions = new Map<string, number[]>();
  ordered.forEach((run, index) => {
    const list = positions.get(run.owner_id);
    if (list) list.push(index);
    else positions.set(run.owner_id, [index]);
  });
  const result = [...ordered];
  for (const indexes of positions.values()) {
    const own = indexes.map((index) => ordered[index] as PolicyRun).sort(compareWithinOwner);
    indexes.forEach((position, i) => {
      result[position] = own[i] as PolicyRun;
    });
  }
  return result;
}

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

type Slot = {
  index: number;
  worker: PolicyWorker;
  freeCpus: number;
  freeGpus: number;
  freeMemory: number;
  runsLeft: number;
  running: number;
  cache: ReadonlySet<string>;
  hash: number;
  open: boolean;
};

type OwnerState = {
  groups: ReadonlySet<string>;
  quota: number;
  quotaLeft: number;
  /** The owner's own workers and the owner's groups' workers. */
  personal: Slot[];
  /** An admin's own pool workers are personal to the admin: no quota applies. */
  ownsPoolWorkers: boolean;
  /** The owner's own workers, as a memo key: owners without workers share texts. */
  ownKey: string;
  /** The owner's runs so far held back by the parallel-run quota. */
  blocked: number;
};

function tagAllows(run: PolicyRun, worker: PolicyWorker): boolean {
  const queue = run.requirements.queue;
  if (queue !== null) return worker.tag === queue;
  return !(worker.tag_exclusive && worker.tag);
}

/** Could the worker take this run if it were idle? (Access aside.) */
function capableWhenIdle(run: PolicyRun, worker: PolicyWorker): boolean {
  const need = run.requirements;
  return (
    tagAllows(run, worker) &&
    !worker.is_terminating &&
    worker.runs_left !== 0 &&
    worker.cpus >= need.cpus &&
    worker.gpus >= need.gpus &&
    worker.memory_bytes >= need.memory &&
    (!need.disk_requested || worker.free_disk_bytes >= need.disk)
  );
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function describeNeed(need: PlacementRequirements): string {
  const parts: string[] = [];
  if (need.gpus > 0) parts.push(plural(need.gpus, "GPU"));
  parts.push(plural(need.cpus, "CPU"));
  parts.push(`${formatSize(need.memory)} memory`);
  if (need.disk_requested) parts.push(`${formatSize(need.disk)} disk`);
  const last = parts.pop();
  const list = parts.length > 0 ? `${parts.join(", ")} and ${last}` : String(last);
  return `${list} free${need.queue !== null ? ` in queue ${need.queue}` : ""}`;
}

function describeAhead(count: number): string {
  if (count === 0) return "you are next in the queue";
  return `${plural(count, "run")} ahead of you in the queue`;
}

/** CodaLab's `get_comparison`: what a worker lacks for this run, e.g. "[2 CPUs (4 requested)]". */
export function compareWorker(run: PolicyRun, worker: PolicyWorker): string {
  const need = run.requirements;
  const gaps: string[] = [];
  if (run.excluded_workers?.includes(worker.worker_id)) gaps.push(`worker ${worker.worker_id} refused this run`);
  if (need.queue !== null && worker.tag !== need.queue)
    gaps.push(`${worker.tag ?? "No"} queue (${need.queue} requested)`);
  if (need.queue === null && worker.tag_exclusive && worker.tag) gaps.push(`reserved for queue ${worker.tag}`);
  if (worker.cpus < need.cpus) gaps.push(`${worker.cpus} CPUs (${need.cpus} requested)`);
  if (worker.gpus < need.gpus) gaps.push(`${worker.gpus} GPUs (${need.gpus} requested)`);
  if (worker.memory_bytes < need.memory) {
    gaps.push(`${formatSize(worker.memory_bytes)} memory (${formatSize(need.memory)} requested)`);
  }
  if (need.disk_requested && worker.free_disk_bytes < need.disk) {
    gaps.push(`${formatSize(worker.free_disk_bytes)} disk (${formatSize(need.disk)} requested)`);
  }
  if (worker.is_terminating) gaps.push("shutting down");
  else if (worker.runs_left === 0) gaps.push("no runs left before it exits");
  return `[${gaps.join(", ")}]`;
}

const MAX_LISTED_WORKERS = 5;

function neverStatus(run: PolicyRun, accessible: readonly PolicyWorker[]): string {
  if (accessible.length === 0) {
    return "No worker can ever satisfy this request — available: no connected worker you may use. It stays staged until one connects.";
  }
  const listed = [...new Set(accessible.map((worker) => compareWorker(run, worker)))];
  const shown = listed.slice(0, MAX_LISTED_WORKERS).join(", ");
  const more = listed.length > MAX_LISTED_WORKERS ? ` and ${listed.length - MAX_LISTED_WORKERS} more` : "";
  return `No worker can ever satisfy this request — available: ${shown}${more}. It stays staged until such a worker connects.`;
}

/**
 * Places staged runs on workers. Pure: the inputs are not modified. Deterministic for equal inputs.
 */
export function scheduleRuns(input: PolicyInput): PolicyResult {
  const mayRun = input.may_run ?? runPermissionFromGroups(input.users);
  const ordered = orderRuns(input.runs);
  const slots: Slot[] = input.workers.map((worker, index) => ({
    index,
    worker,
    freeCpus: worker.cpus - worker.used.cpus,
    freeGpus: worker.gpus - worker.used.gpus,
    freeMemory: worker.memory_bytes - worker.used.memory_bytes,
    runsLeft: worker.runs_left ?? Number.POSITIVE_INFINITY,
    running: worker.running,
    cache: worker.cached_dependencies instanceof Set ? worker.cached_dependencies : new Set(worker.cached_dependencies),
    hash: hash32(worker.worker_id),
    open: !worker.is_terminating && (worker.runs_left ?? 1) !== 0,
  }));

  // A worker that cannot take even the smallest staged run leaves the open set for good.
  let minCpus = Number.POSITIVE_INFINITY;
  let minMemory = Number.POSITIVE_INFINITY;
  for (const run of ordered) {
    minCpus = Math.min(minCpus, run.requirements.cpus);
    minMemory = Math.min(minMemory, run.requirements.memory);
  }
  const closeIfFull = (slot: Slot): boolean => {
    if (slot.open && (slot.runsLeft <= 0 || slot.freeCpus < minCpus || slot.freeMemory < minMemory)) slot.open = false;
    return !slot.open;
  };
  for (const slot of slots) closeIfFull(slot);

  // Inverted dependency index: per run, count cached dependencies by walking the (short) lists of
  // workers caching each of its dependencies instead of probing every worker's cache.
  const cachedBy = new Map<string, number[]>();
  const sharedFs: number[] = [];
  for (const slot of slots) {
    if (slot.worker.shared_file_system) {
      sharedFs.push(slot.index);
      continue;
    }
    for (const dependency of slot.cache) {
      const list = cachedBy.get(dependency);
      if (list) list.push(slot.index);
      else cachedBy.set(dependency, [slot.index]);
    }
  }
  const cachedCount = new Int32Array(slots.length);

  const poolSlots = slots.filter((slot) => slot.worker.shared_pool);
  let openPool = poolSlots.filter((slot) => slot.open);
  const byOwner = new Map<string, Slot[]>();
  const byGroup = new Map<string, Slot[]>();
  const push = (map: Map<string, Slot[]>, key: string, slot: Slot) => {
    const list = map.get(key);
    if (list) list.push(slot);
    else map.set(key, [slot]);
  };
  for (const slot of slots) {
    push(byOwner, slot.worker.owner_id, slot);
    // A pool worker stays a pool worker (quota applies) whatever group it also names.
    if (slot.worker.group_id !== null && !slot.worker.shared_pool) push(byGroup, slot.worker.group_id, slot);
  }

  const owners = new Map<string, OwnerState>();
  const ownerState = (id: string): OwnerState => {
    let state = owners.get(id);
    if (!state) {
      const user = input.users[id];
      const groups = new Set(user?.groups ?? []);
      // The owner's own workers and those of the owner's groups, each once; the pool is apart.
      const personal = new Set<Slot>(byOwner.get(id) ?? []);
      for (const group of groups) for (const slot of byGroup.get(group) ?? []) personal.add(slot);
      const quota = user?.parallel_run_quota ?? 0;
      state = {
        groups,
        quota,
        quotaLeft: quota - (user?.parallel_runs_used ?? 0),
        personal: [...personal].sort((a, b) => a.index - b.index),
        ownsPoolWorkers: (byOwner.get(id) ?? []).some((slot) => slot.worker.shared_pool),
        ownKey: (byOwner.get(id) ?? []).map((slot) => slot.index).join(","),
        blocked: 0,
      };
      owners.set(id, state);
    }
    return state;
  };

  /** Own workers always; group workers when `may_run` agrees. The shared pool is checked apart. */
  const personalAccess = (run: PolicyRun, slot: Slot): boolean => {
    if (run.excluded_workers?.includes(slot.worker.worker_id)) return false;
    return slot.worker.owner_id === run.owner_id || mayRun(run, slot.worker);
  };
  const poolAccess = (run: PolicyRun, slot: Slot): boolean =>
    slot.worker.owner_id !== run.owner_id && !run.excluded_workers?.includes(slot.worker.worker_id);

  const capableBySignature = new Map<string, { pool: Slot[]; other: Slot[] }>();
  const capableSlots = (run: PolicyRun) => {
    const signature = signatureOf(run.requirements);
    let lists = capableBySignature.get(signature);
    if (!lists) {
      const capable = slots.filter((slot) => capableWhenIdle(run, slot.worker));
      lists = {
        pool: capable.filter((slot) => slot.worker.shared_pool),
        other: capable.filter((slot) => !slot.worker.shared_pool),
      };
      capableBySignature.set(signature, lists);
    }
    return lists;
  };

  // Runs that can never be placed often come in batches with the same request: their text is
  // memoised by request, owner, refusals and the group workers the run may use.
  const neverTexts = new Map<string, string>();
  const neverText = (run: PolicyRun, owner: OwnerState): string => {
    const groupWorkers = owner.personal
      .filter((slot) => slot.worker.owner_id !== run.owner_id && mayRun(run, slot.worker))
      .map((slot) => slot.index);
    const key = `${signatureOf(run.requirements)}\u0001${owner.ownKey}\u0001${(run.excluded_workers ?? []).join(",")}\u0001${groupWorkers.join(",")}`;
    let text = neverTexts.get(key);
    if (text === undefined) {
      const allowed = new Set(groupWorkers);
      const accessible = slots
        .filter((slot) => slot.worker.owner_id === run.owner_id || slot.worker.shared_pool || allowed.has(slot.index))
        .map((slot) => slot.worker);
      text = neverStatus(run, accessible);
      neverTexts.set(key, text);
    }
    return text;
  };

  const best = new Float64Array(KEY_LENGTH);
  const key = new Float64Array(KEY_LENGTH);
  const waitingFor = new Int32Array(slots.length);
  const assignments: Assignment[] = [];
  const waiting: WaitingRun[] = [];

  for (const run of ordered) {
    const need = run.requirements;
    const owner = ownerState(run.owner_id);
    const runHash = hash32(run.uuid);
    let chosen: Slot | null = null;
    const poolOpen = owner.quotaLeft > 0 && openPool.length > 0;
    const anyOpen = poolOpen || owner.personal.some((slot) => slot.open);
    if (anyOpen) {
      for (const dependency of run.dependency_keys) {
        for (const index of cachedBy.get(dependency) ?? []) cachedCount[index] = (cachedCount[index] ?? 0) + 1;
      }
      for (const index of sharedFs) cachedCount[index] = run.dependency_keys.length;
    }

    for (const slot of owner.personal) {
      if (slot.open && personalAccess(run, slot) && preferenceKey(run, runHash, slot, false, cachedCount, key)) {
        if (chosen === null || lexicallyLess(key, best)) {
          chosen = slot;
          best.set(key);
        }
      }
    }
    if (poolOpen) {
      for (const slot of openPool) {
        if (poolAccess(run, slot) && preferenceKey(run, runHash, slot, true, cachedCount, key)) {
          if (chosen === null || lexicallyLess(key, best)) {
            chosen = slot;
            best.set(key);
          }
        }
      }
    }

    if (anyOpen) {
      for (const dependency of run.dependency_keys) {
        for (const index of cachedBy.get(dependency) ?? []) cachedCount[index] = 0;
      }
    }

    if (chosen !== null) {
      const placed: Slot = chosen;
      assignments.push({ uuid: run.uuid, worker_id: placed.worker.worker_id });
      placed.freeCpus -= need.cpus;
      placed.freeGpus -= need.gpus;
      placed.freeMemory -= need.memory;
      placed.runsLeft -= 1;
      placed.running += 1;
      if (best[0] === 1) owner.quotaLeft -= 1;
      if (closeIfFull(placed) && placed.worker.shared_pool) openPool = openPool.filter((slot) => slot !== placed);
      continue;
    }

    // Left waiting: which workers could ever take it, and how many waiting runs are ahead for them.
    const capable = capableSlots(run);
    let usable = 0;
    let ahead = Number.POSITIVE_INFINITY;
    for (const slot of capable.other) {
      const worker = slot.worker;
      const personal =
        worker.owner_id === run.owner_id || (worker.group_id !== null && owner.groups.has(worker.group_id));
      if (personal && personalAccess(run, slot)) {
        usable++;
        const waitingHere = waitingFor[slot.index] ?? 0;
        if (waitingHere < ahead) ahead = waitingHere;
        waitingFor[slot.index] = waitingHere + 1;
      }
    }
    let poolCapable = false;
    for (const slot of capable.pool) {
      const own = slot.worker.owner_id === run.owner_id;
      if (!own && !poolAccess(run, slot)) continue;
      if (!own) {
        poolCapable = true;
        // Runs held back by their owner's quota do not compete for the pool: they neither count
        // for others nor need counting themselves.
        if (owner.quotaLeft <= 0) {
          if (owner.ownsPoolWorkers) continue;
          break;
        }
      }
      usable++;
      const waitingHere = waitingFor[slot.index] ?? 0;
      if (waitingHere < ahead) ahead = waitingHere;
      waitingFor[slot.index] = waitingHere + 1;
    }

    if (usable > 0) {
      waiting.push({
        uuid: run.uuid,
        reason: "busy",
        runs_ahead: ahead,
        staged_status: `Waiting for a worker with ${describeNeed(need)}; ${describeAhead(ahead)}.`,
      });
    } else if (poolCapable) {
      const mine = owner.blocked++;
      waiting.push({
        uuid: run.uuid,
        reason: "parallel_quota",
        runs_ahead: mine,
        staged_status: `Waiting for one of your runs on shared workers to finish (parallel run quota: ${owner.quota}); ${mine === 0 ? "this run is next" : `${plural(mine, "of your runs")} ahead of this one`}.`,
      });
    } else {
      waiting.push({ uuid: run.uuid, reason: "no_worker", runs_ahead: 0, staged_status: neverText(run, owner) });
    }
  }
  return { assignments, waiting };
}

const KEY_LENGTH = 8;

/** Requests with equal signatures fit exactly the same idle workers. */
function signatureOf(need: PlacementRequirements): string {
  return `${need.queue ?? ""}\u0000${need.cpus}\u0000${need.gpus}\u0000${need.memory}\u0000${need.disk_requested ? need.disk : 0}`;
}

/**
 * Fills `key` with the worker's preference for the run (smaller is better) and returns true, or
 * returns false when the worker cannot take the run now. Allocation-free: it runs runs × workers times.
 */
function preferenceKey(
  run: PolicyRun,
  runHash: number,
  slot: Slot,
  pool: boolean,
  cachedCount: Int32Array,
  key: Float64Array,
): boolean {
  const need = run.requirements;
  const worker = slot.worker;
  if (
    slot.freeCpus < need.cpus ||
    slot.freeGpus < need.gpus ||
    slot.freeMemory < need.memory ||
    (need.disk_requested && worker.free_disk_bytes < need.disk) ||
    !tagAllows(run, worker)
  ) {
    return false;
  }
  key[0] = pool ? 1 : 0;
  key[1] = worker.tag_exclusive ? 0 : 1;
  key[2] = need.gpus === 0 ? (worker.gpus > 0 ? 1 : 0) : slot.freeGpus;
  key[3] = -(cachedCount[slot.index] ?? 0);
  key[4] = slot.freeCpus;
  key[5] = slot.running;
  key[6] = Math.imul(runHash ^ slot.hash, 0x9e3779b1) >>> 0;
  key[7] = slot.index;
  return true;
}

function lexicallyLess(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
