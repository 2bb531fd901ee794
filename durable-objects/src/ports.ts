/**
 * What the Durable Objects need from the rest of the system, as small interfaces the Worker
 * implements over D1, R2 and the other objects and injects (style habit 7). The objects import
 * only core; every database row, bucket key and stub is behind these.
 */
import type {
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
  | { applied: false; reason: string };

export type CommandOutcome = { ok: true } | { ok: false; reason: string };

/** Delivering an assignment can fail for good (`fatal`: the run can no longer be run by its owner). */
export type DeliveryOutcome = { ok: true } | { ok: false; reason: string; fatal: boolean };

/** Changing bundles and reaching workers: shared by both objects. */
export type BundlePorts = {
  applyTransition(uuid: string, event: MachineEvent): Promise<TransitionOutcome>;
  /** Commits a finished run's uploaded results and applies `finalized` (first finalisation wins). */
  commitResults(uuid: string): Promise<TransitionOutcome>;
  sendCommand(workerId: string, command: CommandInput): Promise<CommandOutcome>;
};

export type SchedulerPorts = BundlePorts & {
  /** Answers `dependencies_ready` / `dependencies_failed` (or nothing while parents are unsettled). */
  checkDependencies(uuids: readonly string[], now: number): Promise<SchedulerEvent[]>;
  /** Builds the `assign` command from the bundle row and queues it on the worker's session. */
  deliverAssignment(uuid: string, workerId: string): Promise<DeliveryOutcome>;
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
  notifyScheduler(report: SessionReport): Promise<void>;
  bundleFinished(uuid: string, state: BundleState, now: number): Promise<void>;
};
