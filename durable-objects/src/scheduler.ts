/**
 * Scheduler: the singleton (`idFromName("scheduler")`) between a run or make bundle's creation
 * and its worker — CodaLab's bundle manager, made event-driven. It stages created bundles once
 * their parents settle (or fails them), places staged runs on connected workers, leases each
 * assignment until the runner acknowledges it, gives offline workers a bounded time to come back,
 * keeps `staged_status` current and starts server-side makes. `reduceSchedulerBatch` (core)
 * decides; this class owns storage, the alarm and the order of events, and carries out effects
 * through the ports the Worker injects. Events come from the API (bundle created, killed,
 * finished), from sessions (workers connected/updated/disconnected, acks, finished runs) and from
 * the alarm; there is no polling loop.
 *
 * Survives hibernation and restarts (storage): every entry of `SchedulerState` under its own key
 * (`waiting:`, `staged:`, `placed:`, `offline:`, `workers:`, `users:`) plus `meta`; the journal of
 * effects not yet carried out (`journal`, replayed on start — each effect is idempotent); timing
 * overrides (`config`). Lost with the instance: the event queue (callers await their events) and
 * the makes in progress (found again in the database as `making` and started over).
 */

import { DurableObject } from "cloudflare:workers";
import {
  type BundleState,
  type CommandInput,
  DEFAULT_SCHEDULER_CONFIG,
  initialSchedulerState,
  type MachineEvent,
  reduceSchedulerBatch,
  type SchedulerConfig,
  type SchedulerEffect,
  type SchedulerEvent,
  type SchedulerState,
  type SessionReport,
} from "@codalab/core";
import { commitWrites, diffRecord, loadRecord, newWrites, type StorageWrites } from "./keyed-storage.ts";
import { routeMachineEffects } from "./machine-effects.ts";
import type { SchedulerPorts, TransitionOutcome } from "./ports.ts";

const RECORDS = ["waiting", "staged", "placed", "offline", "workers", "users"] as const;
type Meta = Pick<SchedulerState, "version" | "alarm_at" | "status_flushed_at" | "statuses_stale">;

/** Effects that failed (the database was unreachable) are retried this much later. */
const RETRY_AFTER_MS = 5_000;
/** Makes assembled at once (each buffers up to one 16 MiB part of its tar). */
const MAX_CONCURRENT_MAKES = 4;
/** Follow-up events feed back at most this many rounds per call (a guard against a feedback loop). */
const MAX_ROUNDS = 50;

type Waiter = { events: SchedulerEvent[]; resolve: () => void; reject: (error: unknown) => void };

export abstract class SchedulerObject extends DurableObject<Env> {
  private state: SchedulerState = initialSchedulerState();
  private journal: SchedulerEffect[] = [];
  private retryAt: number | null = null;
  private started = false;
  private busy = false;
  private readonly waiters: Waiter[] = [];
  /** Makes queued or in progress in this instance. */
  private readonly makes = new Set<string>();
  private readonly makeQueue: string[] = [];
  private activeMakes = 0;
  private portsCache: SchedulerPorts | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = await loadState(ctx.storage);
      this.journal = (await ctx.storage.get<SchedulerEffect[]>("journal")) ?? [];
    });
  }

  /** The Worker's D1/R2/session access for this instance. */
  protected abstract createPorts(): SchedulerPorts;

  private get ports(): SchedulerPorts {
    this.portsCache ??= this.createPorts();
    return this.portsCache;
  }

  // RPC ----------------------------------------------------------------------------------------

  /** Feeds events; resolves once they and their follow-ups were handled. */
  async notify(events: SchedulerEvent[]): Promise<void> {
    await this.submit(events);
  }

  /** A session's reports, turned into scheduler events with what the database knows of the worker. */
  async sessionReports(reports: readonly SessionReport[]): Promise<void> {
    // In order: a worker's connection and disconnection are recorded in the order they happened.
    const events: SchedulerEvent[] = [];
    for (const report of reports) events.push(...(await this.ports.fromSessionReport(report)));
    await this.submit(events);
  }

  /** The current state, for diagnostics and tests. */
  async snapshot(): Promise<SchedulerState> {
    await this.submit([]);
    return this.state;
  }

  override async alarm(): Promise<void> {
    this.retryAt = null;
    await this.submit([{ type: "alarm_fired", now: Date.now() }]);
  }

  // Event loop ---------------------------------------------------------------------------------

  /**
   * Events are handled one batch at a time: effects await the database and other objects, and
   * a second batch must not interleave with them. Events that arrive meanwhile form the next batch.
   */
  private submit(events: SchedulerEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ events, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.waiters.length > 0) {
        const batch = this.waiters.splice(0);
        try {
          await this.start();
          await this.process(batch.flatMap((waiter) => waiter.events));
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Once per instance: catch up with the database (a lost notification, an interrupted make). */
  private async start(): Promise<void> {
    if (this.started) return;
    const recovered = await this.ports.recover(this.state, Date.now());
    this.started = true;
    await this.process(recovered);
  }

  private async process(events: SchedulerEvent[]): Promise<void> {
    // Effects left over from a crash or a failed attempt go first: each is safe to repeat.
    let next = this.journal.length > 0 ? await this.perform(this.journal.splice(0)) : [];
    next.push(...events);
    for (let round = 0; next.length > 0 && round < MAX_ROUNDS; round++) {
      const result = reduceSchedulerBatch(this.state, next, await this.config());
      const effects = result.effects.filter((effect) => effect.type !== "set_alarm");
      const writes = newWrites();
      writeState(this.state, result.state, writes);
      writes.puts.journal = [...this.journal, ...effects];
      this.state = result.state;
      await commitWrites(this.ctx.storage, writes);
      await this.armAlarm();
      next = await this.perform(effects);
    }
  }

  private async config(): Promise<SchedulerConfig> {
    const overrides = await this.ctx.storage.get<Partial<SchedulerConfig>>("config");
    return { ...DEFAULT_SCHEDULER_CONFIG, ...overrides };
  }

  private async armAlarm(): Promise<void> {
    const times = [this.state.alarm_at, this.retryAt].filter((at): at is number => at !== null);
    if (times.length === 0) return;
    const at = Math.min(...times);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** Carries out effects in order; returns the events they lead to. Failed ones stay in the journal. */
  private async perform(effects: readonly SchedulerEffect[]): Promise<SchedulerEvent[]> {
    const followUps: SchedulerEvent[] = [];
    const failed: SchedulerEffect[] = [];
    for (let index = 0; index < effects.length; ) {
      const first = effects[index] as SchedulerEffect;
      let end = index + 1;
      // Transitions and deliveries next to each other (a placement pass) go together, in bulk.
      if (isBulk(first)) while (end < effects.length && isBulk(effects[end] as SchedulerEffect)) end++;
      const group = effects.slice(index, end);
      index = end;
      try {
        followUps.push(
          ...(isBulk(first) ? await this.performBulk(group) : await this.performOne(first as SingleEffect)),
        );
      } catch (error) {
        console.error(
          `scheduler: ${group.map((effect) => effect.type).join(", ")} failed; retrying in ${RETRY_AFTER_MS} ms:`,
          error,
        );
        failed.push(...group);
      }
    }
    this.journal.push(...failed);
    if (this.journal.length > 0) {
      await this.ctx.storage.put("journal", this.journal);
      if (failed.length > 0) {
        this.retryAt = Date.now() + RETRY_AFTER_MS;
        await this.armAlarm();
      }
    } else {
      await this.ctx.storage.delete("journal");
    }
    return followUps;
  }

  /**
   * Transitions and assignments in bulk: every bundle's events applied in a few round trips while
   * the `assign` commands are built from the rows; then each worker's commands go to its session in
   * one call. A run whose `assigned` transition was refused is withdrawn and not delivered.
   */
  private async performBulk(effects: readonly SchedulerEffect[]): Promise<SchedulerEvent[]> {
    const ports = this.ports;
    const events = new Map<string, MachineEvent[]>();
    const deliveries: { uuid: string; worker_id: string }[] = [];
    for (const effect of effects) {
      if (effect.type === "transition") {
        const list = events.get(effect.uuid);
        if (list === undefined) events.set(effect.uuid, [effect.event]);
        else list.push(effect.event);
      } else if (effect.type === "deliver_assignment") {
        deliveries.push(effect);
      }
    }
    const [outcomes, builds] = await Promise.all([
      ports.applyTransitions([...events].map(([uuid, list]) => ({ uuid, events: list }))),
      deliveries.length > 0 ? ports.buildAssignments(deliveries.map((delivery) => delivery.uuid)) : new Map(),
    ]);
    const now = Date.now();
    const followUps: SchedulerEvent[] = [];
    const withdrawn = new Set<string>();
    for (const [uuid, list] of events) {
      const results = outcomes.get(uuid) ?? [];
      for (const [i, event] of list.entries()) {
        const outcome = results[i];
        if (outcome?.applied) followUps.push(...(await this.carryOut(uuid, outcome)));
        else if (event.type === "assigned") {
          withdrawn.add(uuid);
          followUps.push({ type: "run_withdrawn", now, uuid });
        }
      }
    }
    const byWorker = new Map<string, { uuid: string; command: CommandInput }[]>();
    for (const { uuid, worker_id } of deliveries) {
      const build = builds.get(uuid);
      // Deleted since it was placed: the scheduler hears of that separately.
      if (withdrawn.has(uuid) || build === undefined) continue;
      if ("refusal" in build) {
        const killed = await this.applyTransition(uuid, {
          type: "kill_requested",
          at: seconds(now),
          message: build.refusal,
        });
        followUps.push(...(killed ?? []));
        continue;
      }
      const entry = { uuid, command: { type: "assign", run: build.run } as const };
      const list = byWorker.get(worker_id);
      if (list === undefined) byWorker.set(worker_id, [entry]);
      else list.push(entry);
    }
    const sent = await Promise.all(
      [...byWorker].map(async ([workerId, commands]) => ({
        workerId,
        commands,
        outcomes: await ports.sendCommands(
          workerId,
          commands.map((entry) => entry.command),
        ),
      })),
    );
    for (const { workerId, commands, outcomes: results } of sent) {
      for (const [i, { uuid }] of commands.entries()) {
        const result = results[i];
        if (result === undefined || result.ok) continue;
        const rejected = await this.applyTransition(uuid, {
          type: "assignment_rejected",
          worker_id: workerId,
          reason: result.reason,
          at: seconds(now),
        });
        followUps.push(...(rejected ?? []), {
          type: "assignment_rejected",
          now,
          worker_id: workerId,
          uuid,
          reason: result.reason,
        });
      }
    }
    return followUps;
  }

  private async performOne(effect: SingleEffect): Promise<SchedulerEvent[]> {
    const ports = this.ports;
    const now = Date.now();
    switch (effect.type) {
      case "check_dependencies":
        return ports.checkDependencies(effect.uuids, now);
      case "start_make":
        this.startMake(effect.uuid);
        return [];
      case "revoke_assignment":
        await ports.revokeAssignment(effect.uuid, effect.worker_id);
        return [];
      case "reconcile":
        await ports.sendCommand(effect.worker_id, { type: "reconcile", keep: effect.keep, kill: effect.kill });
        return [];
      case "set_staged_status":
        await ports.setStagedStatus(effect.statuses);
        return [];
      case "set_alarm":
        return [];
    }
  }

  /** Applies a transition and carries out its effects; null when the database refused it. */
  private async applyTransition(
    uuid: string,
    event: Parameters<SchedulerPorts["applyTransition"]>[1],
  ): Promise<SchedulerEvent[] | null> {
    const outcome = await this.ports.applyTransition(uuid, event);
    return outcome.applied ? this.carryOut(uuid, outcome) : null;
  }

  /** What an applied transition asks for: commands to sessions, a result commit, news of a final state. */
  private async carryOut(uuid: string, applied: AppliedOutcome): Promise<SchedulerEvent[]> {
    let effects = applied.effects;
    const followUps: SchedulerEvent[] = [];
    for (let depth = 0; depth < 2; depth++) {
      const routed = routeMachineEffects(uuid, effects);
      for (const { worker_id, command } of routed.commands) await this.ports.sendCommand(worker_id, command);
      if (routed.final !== null)
        followUps.push({ type: "bundle_finished", now: Date.now(), uuid, state: routed.final });
      if (!routed.commit) break;
      const committed = await this.ports.commitResults(uuid);
      if (!committed.applied) break;
      effects = committed.effects;
    }
    return followUps;
  }

  /**
   * Makes run beside the event loop (they copy contents), a few at a time: each holds part of its
   * tar in memory. Their end is an event like any other.
   */
  private startMake(uuid: string): void {
    if (this.makes.has(uuid)) return;
    this.makes.add(uuid);
    this.makeQueue.push(uuid);
    this.drainMakes();
  }

  private drainMakes(): void {
    while (this.activeMakes < MAX_CONCURRENT_MAKES) {
      const uuid = this.makeQueue.shift();
      if (uuid === undefined) return;
      this.activeMakes++;
      const making = this.ports
        .runMake(uuid)
        .then(async (state: BundleState | null) => {
          if (state !== null) await this.submit([{ type: "bundle_finished", now: Date.now(), uuid, state }]);
        })
        .catch((error: unknown) => console.error(`scheduler: make ${uuid} failed:`, error))
        .finally(() => {
          this.activeMakes--;
          this.makes.delete(uuid);
          this.drainMakes();
        });
      this.ctx.waitUntil(making);
    }
  }
}

type AppliedOutcome = Extract<TransitionOutcome, { applied: true }>;
type SingleEffect = Exclude<SchedulerEffect, { type: "transition" | "deliver_assignment" }>;

function isBulk(effect: SchedulerEffect): boolean {
  return effect.type === "transition" || effect.type === "deliver_assignment";
}

function seconds(now: number): number {
  return Math.floor(now / 1000);
}

function metaOf(state: SchedulerState): Meta {
  return {
    version: state.version,
    alarm_at: state.alarm_at,
    status_flushed_at: state.status_flushed_at,
    statuses_stale: state.statuses_stale,
  };
}

function writeState(before: SchedulerState, after: SchedulerState, writes: StorageWrites): void {
  for (const name of RECORDS) diffRecord<unknown>(`${name}:`, before[name], after[name], writes);
  const meta = metaOf(after);
  if (JSON.stringify(meta) !== JSON.stringify(metaOf(before))) writes.puts.meta = meta;
}

async function loadState(storage: DurableObjectStorage): Promise<SchedulerState> {
  const meta = await storage.get<Meta>("meta");
  const [waiting, staged, placed, offline, workers, users] = await Promise.all([
    loadRecord<SchedulerState["waiting"][string]>(storage, "waiting:"),
    loadRecord<SchedulerState["staged"][string]>(storage, "staged:"),
    loadRecord<SchedulerState["placed"][string]>(storage, "placed:"),
    loadRecord<SchedulerState["offline"][string]>(storage, "offline:"),
    loadRecord<SchedulerState["workers"][string]>(storage, "workers:"),
    loadRecord<SchedulerState["users"][string]>(storage, "users:"),
  ]);
  return { ...initialSchedulerState(), ...meta, waiting, staged, placed, offline, workers, users };
}
