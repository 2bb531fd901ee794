/**
 * What the Durable Objects need from the rest of the system, as small interfaces the Worker
 * implements over D1, R2 and the other objects and injects (style habit 7). The objects import
 * only core; every database row, bucket key and stub is behind these.
 */
import type {
  AssignedRun,
  BundleState,
  CommandInput,
  MachineEffect,
  MachineEvent,
  SchedulerEvent,
  SchedulerState,
  SessionReport,
  StagedStatusUpdate,
} from "@codalab/core";

/** A state-machine event applied to a bundle row, or why it was refused (INVALID_STATE). */
export type TransitionOutcome =
  | { applied: true; state: BundleState; effects: MachineEffect[] }
  /** `settled`: the bundle is final or gone, so nothing a runner reports about it can apply any more. */
  | { applied: false; reason: string; settled: boolean };

export type CommandOutcome = { ok: true } | { ok: false; reason: string };

/** A placed run's `assign` command, or why its owner can no longer run it (the run is then killed). */
export type AssignmentBuild = { run: AssignedRun } | { refusal: string };

/** Events for one bundle, applied in order. */
export type TransitionItem = { uuid: string; events: MachineEvent[] };

/** Changing bundles and reaching workers: shared by both objects. */
export type BundlePorts = {
  applyTransition(uuid: string, event: MachineEvent): Promise<TransitionOutcome>;
  /** Many bundles' events in a few round trips: one outcome per event, by bundle (no quota charges). */
  applyTransitions(items: readonly TransitionItem[]): Promise<Map<string, TransitionOutcome[]>>;
  /** Commits a finished run's uploaded results and applies `finalized` (first finalisation wins). */
  commitResults(uuid: string): Promise<TransitionOutcome>;
  sendCommand(workerId: string, command: CommandInput): Promise<CommandOutcome>;
};

export type SchedulerPorts = BundlePorts & {
  /** Answers `dependencies_ready` / `dependencies_failed` (or nothing while parents are unsettled). */
  checkDependencies(uuids: readonly string[], now: number): Promise<SchedulerEvent[]>;
  /** The `assign` commands of placed runs, from their bundle rows (missing bundles are left out). */
  buildAssignments(uuids: readonly string[]): Promise<Map<string, AssignmentBuild>>;
  /** Queues commands on one worker's session in one call, in order; one outcome each. */
  sendCommands(workerId: string, commands: readonly CommandInput[]): Promise<CommandOutcome[]>;
  revokeAssignment(uuid: string, workerId: string): Promise<void>;
  setStagedStatus(statuses: readonly StagedStatusUpdate[]): Promise<void>;
  /** A session's report as scheduler events (worker rows looked up and updated). */
  fromSessionReport(report: SessionReport): Promise<SchedulerEvent[]>;
  /** Makes a staged make bundle; the final state it reached, or null when it was not this call's to make. */
  runMake(uuid: string): Promise<BundleState | null>;
  /**
   * What the database knows that the state may have missed (a lost notification, a restart
   * during a make), as events to feed.
   */
  recover(state: SchedulerState, now: number): Promise<SchedulerEvent[]>;
};

export type SessionPorts = BundlePorts & {
  /** Reports in order, in one call. */
  notifyScheduler(reports: readonly SessionReport[]): Promise<void>;
  bundleFinished(uuid: string, state: BundleState, now: number): Promise<void>;
};
