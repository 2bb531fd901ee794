/**
 * The bundle state machine (spec §3) as one pure function: `transition(bundle, event)` returns the
 * next state, the metadata patch and the side effects an adapter must carry out, or throws
 * INVALID_STATE. Events are named for what happened. Every event is idempotent: applying it to
 * the bundle it produced changes nothing and asks for nothing, so adapters may re-apply an event
 * after a crash or a duplicate delivery.
 *
 * Deliberate departures from CodaLab, each fixing a pain point of spec §11.15:
 * - a kill during `starting` or `worker_offline` ends the run at once (`killed`) and is sent to
 *   the worker when there is one; a pending kill also wins over any later re-stage;
 * - `worker_offline` ends by `offline_timeout` (re-stage or fail, by policy), never waits forever;
 * - results are committed by the server once the runner reports `finished` (it uploads first),
 *   so a runner lost during `finalizing` no longer sends the run to `worker_offline`;
 * - re-staging keeps `remote_history` (with `actions` and `created`): it is the re-staging history;
 * - `staged_status` (why a bundle waits) is cleared when it stops waiting, so `cl info` of a
 *   finished run does not show why it once waited.
 *
 * Times in events and metadata are unix seconds, as CodaLab stores them.
 */
import { type BundleState, type BundleType, FINAL_STATES } from "../constants.ts";
import { CodalabError } from "../errors.ts";
import { formatDuration } from "../format/duration.ts";
import { normalizeSubpath } from "../paths/safe-path.ts";

export const DEFAULT_STAGED_STATUS =
  "Bundle's dependencies are all ready. Waiting for the bundle to be assigned to a worker to be run.";
export const PREPARING_RUN_STATUS =
  "Waiting for worker to download bundle dependencies and Docker image to run the bundle.";
export const FINISHED_RUN_STATUS = "Finished";
/** A failure message containing this marks a requested kill: the run ends `killed`, not `failed`. */
export const KILL_REQUESTED = "Kill requested";

/** Generated run metadata (spec §2.3). */
export const RUN_GENERATED_FIELDS = [
  "created",
  "data_size",
  "failure_message",
  "error_traceback",
  "staged_status",
  "actions",
  "time",
  "time_user",
  "time_system",
  "memory",
  "memory_max",
  "cpu_usage",
  "memory_usage",
  "started",
  "last_updated",
  "run_status",
  "time_preparing",
  "time_running",
  "time_cleaning_up",
  "time_uploading_results",
  "docker_image",
  "runtime",
  "exitcode",
  "job_handle",
  "remote",
  "remote_history",
  "on_preemptible_worker",
] as const;
export type RunGeneratedField = (typeof RUN_GENERATED_FIELDS)[number];

/** What survives a re-stage; everything else generated is cleared. */
export const RESTAGE_KEPT_FIELDS: readonly RunGeneratedField[] = ["actions", "created", "remote_history"];

/** Resource use a runner reports, keyed by the metadata field it lands in. */
export const RUN_USAGE_FIELDS = [
  "time",
  "time_user",
  "time_system",
  "memory",
  "memory_max",
  "cpu_usage",
  "memory_usage",
  "data_size",
  "time_preparing",
  "time_running",
  "time_cleaning_up",
  "time_uploading_results",
] as const;
export type RunUsage = Partial<Record<(typeof RUN_USAGE_FIELDS)[number], number>> & {
  docker_image?: string;
  /** How the runner contains the run (`docker`, `process`). */
  runtime?: string;
};

/** The stages a runner reports while it holds a run; `uploading` is shown as `running` (spec §3.4). */
export type ReportedStage = "preparing" | "running" | "uploading";

export type MachineBundle = {
  bundle_type: BundleType;
  state: BundleState;
  /** The worker holding the run (CodaLab's `worker_run` row), or null. */
  worker_id: string | null;
  metadata: Readonly<Record<string, unknown>>;
};

export type MachineEvent =
  | { type: "staged" }
  | { type: "staging_failed"; message: string }
  | { type: "requirements_refused"; message: string }
  | { type: "upload_succeeded"; state_on_success?: "ready" | "failed" | "killed"; data_size?: number }
  | { type: "upload_failed"; message: string }
  | { type: "make_started" }
  | { type: "make_succeeded"; data_size: number }
  | { type: "make_failed"; message: string; error_traceback?: string }
  | { type: "make_interrupted" }
  | { type: "assigned"; worker_id: string; at: number }
  | { type: "assignment_expired"; at: number }
  | { type: "assignment_rejected"; worker_id: string; reason: string; at: number }
  | { type: "acknowledged"; worker_id: string; at: number; preemptible?: boolean }
  | {
      type: "stage_reported";
      worker_id: string;
      at: number;
      stage: ReportedStage;
      run_status?: string;
      usage?: RunUsage;
      preemptible?: boolean;
    }
  | {
      type: "finished";
      worker_id: string;
      at: number;
      exitcode: number | null;
      failure_message: string | null;
      killed?: boolean;
      usage?: RunUsage;
    }
  | { type: "finalized"; at: number }
  | { type: "kill_requested"; at: number; message?: string }
  | { type: "write_requested"; subpath: string; string: string }
  | { type: "worker_lost"; worker_id: string; at: number }
  | { type: "worker_restaged"; worker_id: string; at: number }
  | { type: "offline_timeout"; at: number; action: "restage" | "fail"; after_seconds: number }
  | { type: "expired"; at: number; days: number };
export type MachineEventType = MachineEvent["type"];

export type MachineEffect =
  /** Tell the worker to kill the run (delivered through its session's command queue). */
  | { type: "send_kill"; worker_id: string; message: string }
  | { type: "send_write"; worker_id: string; subpath: string; string: string }
  /** Let the worker forget the run: its result is committed. */
  | { type: "send_mark_finalized"; worker_id: string }
  /** The runner uploaded and reported; check the contents, then apply `finalized`. */
  | { type: "commit_results" }
  /** The run (re-)entered `staged`: the scheduler should place it. */
  | { type: "became_staged" }
  /** The worker no longer holds the run: its capacity is free. */
  | { type: "released"; worker_id: string }
  /** A final state was reached: dependents may be staged. */
  | { type: "reached_final"; state: BundleState };

export type Transition = {
  state: BundleState;
  worker_id: string | null;
  /** Metadata patch; `null` deletes a key. Empty when nothing changed. */
  changes: Record<string, unknown>;
  effects: MachineEffect[];
};

type Outcome = {
  state: BundleState;
  worker_id: string | null;
  changes: Record<string, unknown>;
  effects: MachineEffect[];
};

type EventOf<T extends MachineEventType> = Extract<MachineEvent, { type: T }>;

type EventRule<T extends MachineEventType> = {
  types: readonly BundleType[];
  from: readonly BundleState[];
  apply: (bundle: MachineBundle, event: EventOf<T>) => Outcome;
  /** True when the event has already been applied: re-applying it is a no-op, not an error. */
  settled?: (bundle: MachineBundle, event: EventOf<T>) => boolean;
};

const ALL_TYPES: readonly BundleType[] = ["dataset", "program", "make", "run"];
const DERIVED: readonly BundleType[] = ["make", "run"];
const RUN: readonly BundleType[] = ["run"];
const MAKE: readonly BundleType[] = ["make"];
const HELD: readonly BundleState[] = ["starting", "preparing", "running"];

/**
 * States a bundle may be failed from for being stuck too long (spec §3.3: `uploading`, `staged`,
 * `running`; `preparing` and `worker_offline` too, which CodaLab's manager never looked at, so a
 * run whose image never arrives or whose worker never returns does not stay forever).
 */
export const EXPIRING_STATES: readonly BundleState[] = [
  "uploading",
  "staged",
  "preparing",
  "running",
  "worker_offline",
];

/** CodaLab's failure message for a bundle stuck too long. */
export function expiryMessage(state: BundleState, days: number): string {
  return `Bundle has been stuck in ${state} state for more than ${days} days.`;
}

/** States in which `staged_status` (why a bundle waits) means something. */
const WAITING_STATES: readonly BundleState[] = ["created", "staged"];

function isFinal(state: BundleState): boolean {
  return FINAL_STATES.includes(state);
}

function actionsOf(bundle: MachineBundle): string[] {
  const actions = bundle.metadata.actions;
  return Array.isArray(actions) ? actions.filter((a): a is string => typeof a === "string") : [];
}

/** A kill was asked for and has not ended the run yet. */
export function hasPendingKill(bundle: MachineBundle): boolean {
  return bundle.bundle_type === "run" && actionsOf(bundle).includes("kill");
}

/** "Kill requested", or the reason prefixed with it (quota kills: "Kill requested: User time quota exceeded…"). */
export function killMessage(reason?: string): string {
  if (!reason) return KILL_REQUESTED;
  return reason.includes(KILL_REQUESTED) ? reason : `${KILL_REQUESTED}: ${reason}`;
}

/** CodaLab's rule for a finished run's message: an explicit one, else a kill, else "Exit code N". */
export function runFailureMessage(exitcode: number | null, message: string | null, killed = false): string | null {
  if (message) return message;
  if (killed) return KILL_REQUESTED;
  if (exitcode !== null && exitcode !== 0) return `Exit code ${exitcode}`;
  return null;
}

/** CodaLab's rule at finalisation: "Kill requested" → killed; any failure or non-zero exit → failed. */
export function finalRunState(metadata: Readonly<Record<string, unknown>>): "ready" | "failed" | "killed" {
  const message = typeof metadata.failure_message === "string" ? metadata.failure_message : "";
  if (message.includes(KILL_REQUESTED)) return "killed";
  const exitcode = typeof metadata.exitcode === "number" ? metadata.exitcode : 0;
  return message || exitcode ? "failed" : "ready";
}

/** Where a new bundle starts (spec §3.1): uploads in `uploading` (linked ones `ready`), derived in `created`. */
export function initialState(
  bundleType: BundleType,
  options: { linked?: boolean; wait_for_upload?: boolean } = {},
): BundleState {
  if (bundleType === "dataset" || bundleType === "program") return options.linked ? "ready" : "uploading";
  return options.wait_for_upload ? "uploading" : "created";
}

function keep(bundle: MachineBundle): Outcome {
  return { state: bundle.state, worker_id: bundle.worker_id, changes: {}, effects: [] };
}

function fail(bundle: MachineBundle, message: string, extra: Record<string, unknown> = {}): Outcome {
  return { state: "failed", worker_id: bundle.worker_id, changes: { failure_message: message, ...extra }, effects: [] };
}

function killNow(bundle: MachineBundle, message: string): Outcome {
  const changes: Record<string, unknown> = { failure_message: message };
  if (bundle.bundle_type === "run") {
    const actions = actionsOf(bundle);
    if (!actions.includes("kill")) changes.actions = [...actions, "kill"];
  }
  const effects: MachineEffect[] = [];
  if (bundle.worker_id !== null) effects.push({ type: "send_kill", worker_id: bundle.worker_id, message });
  return { state: "killed", worker_id: null, changes, effects };
}

/** Back to `staged` for another attempt, unless a kill is pending: then the kill wins. */
function restage(bundle: MachineBundle): Outcome {
  if (hasPendingKill(bundle)) return killNow({ ...bundle, worker_id: null }, KILL_REQUESTED);
  const changes: Record<string, unknown> = {};
  for (const field of RUN_GENERATED_FIELDS) {
    if (!RESTAGE_KEPT_FIELDS.includes(field)) changes[field] = null;
  }
  changes.staged_status = DEFAULT_STAGED_STATUS;
  return { state: "staged", worker_id: null, changes, effects: [] };
}

function requireWorker(bundle: MachineBundle, workerId: string, what: string): void {
  if (bundle.worker_id !== workerId) {
    throw new CodalabError(
      "INVALID_STATE",
      `Cannot ${what}: the run is ${bundle.worker_id === null ? "not held by any worker" : `held by worker ${bundle.worker_id}`}, not by worker ${workerId}`,
      { state: bundle.state, worker_id: bundle.worker_id },
    );
  }
}

function usageChanges(usage: RunUsage | undefined): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (!usage) return changes;
  for (const field of RUN_USAGE_FIELDS) {
    const value = usage[field];
    if (value !== undefined) changes[field] = value;
  }
  if (usage.docker_image) changes.docker_image = usage.docker_image;
  if (usage.runtime) changes.runtime = usage.runtime;
  return changes;
}

function acceptChanges(bundle: MachineBundle, workerId: string, at: number, preemptible?: boolean) {
  const history = Array.isArray(bundle.metadata.remote_history) ? bundle.metadata.remote_history : [];
  return {
    run_status: PREPARING_RUN_STATUS,
    started: at,
    last_updated: at,
    remote: workerId,
    remote_history: [...history, workerId],
    on_preemptible_worker: preemptible ?? false,
  };
}

function reportedState(stage: ReportedStage): BundleState {
  return stage === "preparing" ? "preparing" : "running";
}

const RULES: { [T in MachineEventType]: EventRule<T> } = {
  staged: {
    types: DERIVED,
    from: ["created"],
    apply: () => ({ state: "staged", worker_id: null, changes: { staged_status: DEFAULT_STAGED_STATUS }, effects: [] }),
    settled: (b) => b.state === "staged",
  },
  staging_failed: {
    types: DERIVED,
    from: ["created"],
    apply: (b, e) => fail(b, e.message),
    settled: (b, e) => b.state === "failed" && b.metadata.failure_message === e.message,
  },
  requirements_refused: {
    types: RUN,
    from: ["staged"],
    apply: (b, e) => fail(b, e.message),
    settled: (b, e) => b.state === "failed" && b.metadata.failure_message === e.message,
  },
  upload_succeeded: {
    types: ALL_TYPES,
    from: ["uploading"],
    apply: (b, e) => ({
      state: e.state_on_success ?? "ready",
      worker_id: b.worker_id,
      changes: e.data_size === undefined ? {} : { data_size: e.data_size },
      effects: [],
    }),
    settled: (b, e) =>
      b.state === (e.state_on_success ?? "ready") &&
      (e.data_size === undefined || b.metadata.data_size === e.data_size),
  },
  upload_failed: {
    types: ALL_TYPES,
    from: ["uploading"],
    apply: (b, e) => fail(b, e.message),
    settled: (b, e) => b.state === "failed" && b.metadata.failure_message === e.message,
  },
  make_started: {
    types: MAKE,
    from: ["staged"],
    apply: (b) => ({ ...keep(b), state: "making" }),
    settled: (b) => b.state === "making",
  },
  make_succeeded: {
    types: MAKE,
    from: ["making"],
    apply: (b, e) => ({ ...keep(b), state: "ready", changes: { data_size: e.data_size } }),
    settled: (b, e) => b.state === "ready" && b.metadata.data_size === e.data_size,
  },
  make_failed: {
    types: MAKE,
    from: ["making"],
    apply: (b, e) => fail(b, e.message, e.error_traceback ? { error_traceback: e.error_traceback } : {}),
    settled: (b, e) => b.state === "failed" && b.metadata.failure_message === e.message,
  },
  make_interrupted: {
    types: MAKE,
    from: ["making"],
    apply: (b) => ({ ...keep(b), state: "staged" }),
    settled: (b) => b.state === "staged",
  },
  assigned: {
    types: RUN,
    from: ["staged"],
    apply: (_b, e) => ({ state: "starting", worker_id: e.worker_id, changes: { last_updated: e.at }, effects: [] }),
    settled: (b, e) => b.state === "starting" && b.worker_id === e.worker_id,
  },
  assignment_expired: {
    types: RUN,
    from: ["starting"],
    apply: (b) => restage(b),
    settled: (b) => b.state === "staged",
  },
  assignment_rejected: {
    types: RUN,
    from: ["starting"],
    apply: (b, e) => {
      requireWorker(b, e.worker_id, "reject the assignment");
      return restage(b);
    },
    settled: (b) => b.state === "staged",
  },
  acknowledged: {
    types: RUN,
    from: ["starting"],
    apply: (b, e) => {
      requireWorker(b, e.worker_id, "acknowledge the assignment");
      return { ...keep(b), state: "preparing", changes: acceptChanges(b, e.worker_id, e.at, e.preemptible) };
    },
    settled: (b, e) => ["preparing", "running", "finalizing"].includes(b.state) && b.worker_id === e.worker_id,
  },
  stage_reported: {
    types: RUN,
    from: ["starting", "preparing", "running", "worker_offline"],
    apply: (b, e) => {
      const changes: Record<string, unknown> = {};
      const effects: MachineEffect[] = [];
      if (b.state === "worker_offline") {
        // The worker came back (CodaLab re-creates the worker_run row); resend a kill it may have missed.
        if (hasPendingKill(b)) effects.push({ type: "send_kill", worker_id: e.worker_id, message: KILL_REQUESTED });
      } else {
        requireWorker(b, e.worker_id, "report progress");
        // Progress before the acknowledgement means the acknowledgement was lost: it implies one.
        if (b.state === "starting") Object.assign(changes, acceptChanges(b, e.worker_id, e.at, e.preemptible));
      }
      if (e.run_status !== undefined) changes.run_status = e.run_status;
      Object.assign(changes, usageChanges(e.usage), { last_updated: e.at, remote: e.worker_id });
      return { state: reportedState(e.stage), worker_id: e.worker_id, changes, effects };
    },
  },
  finished: {
    types: RUN,
    from: ["starting", "preparing", "running", "worker_offline"],
    apply: (b, e) => {
      if (b.state !== "worker_offline") requireWorker(b, e.worker_id, "report the end of the run");
      const failure = runFailureMessage(e.exitcode, e.failure_message, e.killed);
      const changes: Record<string, unknown> = { ...usageChanges(e.usage), last_updated: e.at, remote: e.worker_id };
      if (b.state === "starting") Object.assign(changes, acceptChanges(b, e.worker_id, e.at));
      if (e.exitcode !== null) changes.exitcode = e.exitcode;
      if (failure !== null) changes.failure_message = failure;
      return { state: "finalizing", worker_id: e.worker_id, changes, effects: [{ type: "commit_results" }] };
    },
    settled: (b, e) =>
      (b.state === "finalizing" && b.worker_id === e.worker_id) ||
      (isFinal(b.state) && b.metadata.remote === e.worker_id && b.worker_id === null),
  },
  finalized: {
    types: RUN,
    from: ["finalizing"],
    apply: (b, e) => {
      const effects: MachineEffect[] = [];
      if (b.worker_id !== null) effects.push({ type: "send_mark_finalized", worker_id: b.worker_id });
      return {
        state: finalRunState(b.metadata),
        worker_id: null,
        changes: { run_status: FINISHED_RUN_STATUS, last_updated: e.at },
        effects,
      };
    },
    // First finalisation wins; a bundle killed before it ever ran is final too.
    settled: (b) => isFinal(b.state),
  },
  kill_requested: {
    types: ALL_TYPES,
    from: ["created", "uploading", "staged", "making", "starting", "preparing", "running", "worker_offline"],
    apply: (b, e) => {
      const message = killMessage(e.message);
      if (b.state !== "preparing" && b.state !== "running") return killNow(b, message);
      const actions = actionsOf(b);
      if (actions.includes("kill")) return keep(b);
      return {
        ...keep(b),
        changes: { actions: [...actions, "kill"] },
        effects: b.worker_id === null ? [] : [{ type: "send_kill", worker_id: b.worker_id, message }],
      };
    },
    settled: (b) => b.state === "killed",
  },
  write_requested: {
    types: RUN,
    from: HELD,
    apply: (b, e) => {
      const subpath = normalizeSubpath(e.subpath, "write path");
      if (subpath === "") throw new CodalabError("INVALID_PATH", "Cannot write over the bundle's root directory");
      const action = `write\t${subpath}\t${e.string}`;
      const actions = actionsOf(b);
      if (actions[actions.length - 1] === action || b.worker_id === null) return keep(b);
      return {
        ...keep(b),
        changes: { actions: [...actions, action] },
        effects: [{ type: "send_write", worker_id: b.worker_id, subpath, string: e.string }],
      };
    },
  },
  worker_lost: {
    types: RUN,
    from: ["starting", "preparing", "running", "finalizing"],
    apply: (b, e) => {
      requireWorker(b, e.worker_id, "lose the worker");
      // Results are uploaded before `finished`, so a finalizing run needs its worker no more.
      if (b.state === "finalizing") return keep(b);
      if (b.state === "starting" || b.metadata.on_preemptible_worker === true) return restage(b);
      return { state: "worker_offline", worker_id: null, changes: { last_updated: e.at }, effects: [] };
    },
    settled: (b) => b.worker_id === null && (b.state === "worker_offline" || b.state === "staged" || isFinal(b.state)),
  },
  worker_restaged: {
    types: RUN,
    from: HELD,
    apply: (b, e) => {
      requireWorker(b, e.worker_id, "re-stage the run");
      return restage(b);
    },
    settled: (b) => b.state === "staged",
  },
  offline_timeout: {
    types: RUN,
    from: ["worker_offline"],
    apply: (b, e) => {
      if (e.action === "restage" || hasPendingKill(b)) return restage(b);
      return fail(b, `Worker went offline and did not come back within ${formatDuration(e.after_seconds)}.`);
    },
    settled: (b) => b.worker_id === null && (b.state === "staged" || isFinal(b.state)),
  },
  expired: {
    types: ALL_TYPES,
    from: EXPIRING_STATES,
    apply: (b, e) => {
      const message = expiryMessage(b.state, e.days);
      const outcome = fail(b, message);
      if (b.worker_id !== null) {
        outcome.effects.push({ type: "send_kill", worker_id: b.worker_id, message });
        outcome.worker_id = null;
      }
      return outcome;
    },
    settled: (b) => b.state === "failed" && String(b.metadata.failure_message).startsWith("Bundle has been stuck"),
  },
};

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Drops patch entries that would not change the metadata, so an empty patch means "no change". */
export function diffMetadata(
  metadata: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const current = metadata[key];
    if (value === null ? current !== undefined && current !== null : !sameValue(current, value)) changes[key] = value;
  }
  return changes;
}

/** Applies a metadata patch (`null` deletes). */
export function applyMetadataChanges(
  metadata: Readonly<Record<string, unknown>>,
  changes: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...metadata };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

function illegal(bundle: MachineBundle, event: MachineEvent): CodalabError {
  const details = { state: bundle.state, bundle_type: bundle.bundle_type, event: event.type };
  if ((event.type === "kill_requested" || event.type === "write_requested") && isFinal(bundle.state)) {
    return new CodalabError(
      "INVALID_STATE",
      "Cannot execute this action on a bundle that is in the following states: ready, failed, killed.",
      details,
    );
  }
  if (event.type === "kill_requested" && bundle.state === "finalizing") {
    return new CodalabError("INVALID_STATE", "Cannot kill a run that has finished and is being finalized.", details);
  }
  return new CodalabError(
    "INVALID_STATE",
    `Cannot apply ${event.type} to a ${bundle.bundle_type} bundle in state ${bundle.state}.`,
    details,
  );
}

function ruleFor<T extends MachineEventType>(type: T): EventRule<T> {
  return RULES[type] as EventRule<T>;
}

/**
 * The next state of `bundle` after `event`. Throws INVALID_STATE for a move the state machine does
 * not allow; returns an unchanged bundle with no effects when the event was already applied.
 */
export function transition(bundle: MachineBundle, event: MachineEvent): Transition {
  const rule = ruleFor(event.type) as EventRule<MachineEventType>;
  const typed = event as EventOf<MachineEventType>;
  if (!rule.types.includes(bundle.bundle_type)) throw illegal(bundle, event);
  if (!rule.from.includes(bundle.state)) {
    if (rule.settled?.(bundle, typed)) return { ...keep(bundle) };
    throw illegal(bundle, event);
  }
  const outcome = rule.apply(bundle, typed);
  // Why it waited is stale once a bundle stops waiting (`cl info` of a finished run showed it).
  const leftWaiting = !WAITING_STATES.includes(outcome.state);
  const changes = diffMetadata(
    bundle.metadata,
    leftWaiting ? { staged_status: null, ...outcome.changes } : outcome.changes,
  );
  const unchanged =
    outcome.state === bundle.state && outcome.worker_id === bundle.worker_id && Object.keys(changes).length === 0;
  if (unchanged) return { ...keep(bundle) };
  const effects = [...outcome.effects];
  if (bundle.worker_id !== null && outcome.worker_id !== bundle.worker_id) {
    effects.push({ type: "released", worker_id: bundle.worker_id });
  }
  if (outcome.state === "staged" && bundle.state !== "staged" && bundle.bundle_type === "run") {
    effects.push({ type: "became_staged" });
  }
  if (isFinal(outcome.state) && !isFinal(bundle.state)) effects.push({ type: "reached_final", state: outcome.state });
  return { state: outcome.state, worker_id: outcome.worker_id, changes, effects };
}

/** Applies a transition to a bundle value (tests, in-memory adapters). */
export function applyTransition<B extends MachineBundle>(bundle: B, result: Transition): B {
  return {
    ...bundle,
    state: result.state,
    worker_id: result.worker_id,
    metadata: applyMetadataChanges(bundle.metadata, result.changes),
  };
}
