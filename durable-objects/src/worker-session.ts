/**
 * WorkerSession: one per compute worker (`idFromName(<worker id>)`). It holds the runner's
 * WebSocket (hibernatable: `ctx.acceptWebSocket`), the queue of commands awaiting the runner's
 * acknowledgement, the live reads in flight, and the runs the runner says it holds.
 * `reduceSession` (core) decides; this class parses frames, stores the state after every event,
 * sends frames, applies the runner's run events to bundles, forwards what the Scheduler must
 * know, streams read replies back to the API, and arms the single alarm (heartbeat timeout,
 * disconnect grace, read timeouts, re-sends).
 *
 * Survives hibernation and restarts (storage): `SessionState` without its outbox under `session`,
 * each queued command under `outbox:<seq>` (so commands are re-sent after a reconnect), timing
 * overrides (`config`); each socket's connection number rides in its attachment, so frames of a
 * replaced socket are told apart after waking. In memory only: the streams of live reads (a read
 * cut by eviction fails its caller, whose connection went with it) and the order of notices to the
 * Scheduler (sent after each event, never while the session is busy, so the two objects never
 * wait on each other).
 */

import { DurableObject } from "cloudflare:workers";
import {
  type BundleState,
  type CommandInput,
  DEFAULT_SESSION_CONFIG,
  decodeChunk,
  encodeMessage,
  initialSessionState,
  type MachineEvent,
  type OutboxEntry,
  parseRunnerMessage,
  type ReadSpec,
  reduceSession,
  type ServerMessage,
  type SessionConfig,
  type SessionEffect,
  type SessionEvent,
  type SessionReport,
  type SessionState,
  type TargetInfo,
} from "@codalab/core";
import { commitWrites, newWrites, type StorageWrites } from "./keyed-storage.ts";
import { routeMachineEffects } from "./machine-effects.ts";
import type { CommandOutcome, SessionPorts, TransitionOutcome } from "./ports.ts";

/** The Worker names the session's worker on the upgrade request it forwards. */
export const WORKER_ID_HEADER = "x-codalab-worker-id";
/** …and the worker token that opened the socket, if one did (its revocation closes the socket). */
export const WORKER_TOKEN_ID_HEADER = "x-codalab-worker-token-id";

export type LiveReadRequest = { uuid: string; path: string; spec: ReadSpec };
export type LiveReadReply =
  | { ok: true; info: TargetInfo }
  /** `id` names the read for `cancelRead`. */
  | { ok: true; stream: ReadableStream<Uint8Array>; id: string }
  | { ok: false; code: string; message: string };

type Attachment = { v: 1; connection: number; token?: string };
type Notice = { kind: "report"; report: SessionReport } | { kind: "final"; uuid: string; state: BundleState };
type StepResult = { notices: Notice[]; refused: { command: CommandInput; reason: string }[] };
type Batch = { workerId: string; events: SessionEvent[]; step: Promise<StepResult> };

const STATE_KEY = "session";
/** Runner reports that charge the owner's time and may kill for quota: never applied in bulk. */
const CHARGED_EVENTS = new Set<MachineEvent["type"]>(["stage_reported", "finished"]);
const OUTBOX_PREFIX = "outbox:";
/** Follow-up events (commands the session queues for itself) feed back at most this many rounds. */
const MAX_ROUNDS = 20;

function outboxKey(seq: number): string {
  return `${OUTBOX_PREFIX}${String(seq).padStart(12, "0")}`;
}

function attachmentOf(ws: WebSocket): Attachment | null {
  const value: unknown = ws.deserializeAttachment();
  if (typeof value !== "object" || value === null) return null;
  const connection = Reflect.get(value, "connection");
  const token = Reflect.get(value, "token");
  if (typeof connection !== "number") return null;
  return typeof token === "string" ? { v: 1, connection, token } : { v: 1, connection };
}

/** The reply stream of one live read: created at the first chunk, so an early failure is a plain error. */
class ReadReply {
  private readonly id: string;
  private readonly settle: (reply: LiveReadReply) => void;
  private readonly cancel: () => void;
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private cancelled = false;

  constructor(id: string, settle: (reply: LiveReadReply) => void, cancel: () => void) {
    this.id = id;
    this.settle = settle;
    this.cancel = cancel;
  }

  private open(): WritableStreamDefaultWriter<Uint8Array> {
    if (this.writer) return this.writer;
    const pipe = new IdentityTransformStream();
    this.writer = pipe.writable.getWriter();
    this.settle({ ok: true, stream: pipe.readable, id: this.id });
    return this.writer;
  }

  private stop(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancel();
  }

  chunk(data: string): void {
    const writer = this.open();
    // A follow read's first chunk is empty: it only opens the reply, so the caller is not kept
    // waiting for the run's first output.
    if (data === "") return;
    // Not awaited: a slow reader must not hold up the session (heartbeats, other runs).
    writer.write(decodeChunk(data)).catch(() => this.stop());
  }

  done(info: TargetInfo | undefined): void {
    if (info !== undefined && this.writer === undefined) {
      this.settle({ ok: true, info });
      return;
    }
    this.open()
      .close()
      .catch(() => undefined);
  }

  failed(code: string, message: string): void {
    if (this.writer === undefined) this.settle({ ok: false, code, message });
    else this.writer.abort(new Error(`${code}: ${message}`)).catch(() => undefined);
  }
}

export abstract class WorkerSessionObject extends DurableObject<Env> {
  private state: SessionState | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** The batch queued behind the one being handled, which the runner's next frames join. */
  private waiting: Batch | null = null;
  private outbound: Promise<void> = Promise.resolve();
  private readonly reads = new Map<string, ReadReply>();
  private portsCache: SessionPorts | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = await loadSession(ctx.storage);
    });
  }

  /** The Worker's D1/R2/Scheduler access for this instance. */
  protected abstract createPorts(): SessionPorts;

  private get ports(): SessionPorts {
    this.portsCache ??= this.createPorts();
    return this.portsCache;
  }

  // The runner's socket -------------------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const workerId = request.headers.get(WORKER_ID_HEADER);
    if (!workerId) return new Response(`missing ${WORKER_ID_HEADER}`, { status: 400 });
    const token = request.headers.get(WORKER_TOKEN_ID_HEADER) ?? undefined;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    await this.dispatch(workerId, [{ type: "socket_opened", now: Date.now() }], {
      opened: (state) => {
        this.ctx.acceptWebSocket(server);
        server.serializeAttachment({ v: 1, connection: state.connection, token } satisfies Attachment);
      },
      awaitNotices: true,
    });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = attachmentOf(ws);
    const state = this.state;
    if (attachment === null || state === null) {
      ws.close(1011, "unknown connection");
      return;
    }
    const now = Date.now();
    const parsed = parseRunnerMessage(message);
    const event: SessionEvent = parsed.ok
      ? { type: "message_received", now, connection: attachment.connection, message: parsed.message }
      : { type: "frame_rejected", now, connection: attachment.connection, error: parsed.error.message };
    await this.dispatch(state.worker_id, [event], { awaitNotices: true, coalesce: true });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      // 1005/1006 are never sent on the wire: answer a missing code with a normal close.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed (the runtime may answer the close itself).
    }
    await this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  private async socketGone(ws: WebSocket): Promise<void> {
    const attachment = attachmentOf(ws);
    const state = this.state;
    if (attachment === null || state === null) return;
    await this.dispatch(
      state.worker_id,
      [{ type: "socket_closed", now: Date.now(), connection: attachment.connection }],
      {
        awaitNotices: true,
      },
    );
  }

  override async alarm(): Promise<void> {
    const state = this.state;
    if (state === null) return;
    await this.dispatch(state.worker_id, [{ type: "alarm_fired", now: Date.now() }], { awaitNotices: true });
  }

  // RPC ----------------------------------------------------------------------------------------

  /** Queues a command for the runner (sent at once when connected, again after a reconnect until acknowledged). */
  async enqueue(workerId: string, command: CommandInput): Promise<CommandOutcome> {
    const [outcome] = await this.enqueueMany(workerId, [command]);
    return outcome ?? { ok: true };
  }

  /** Queues several commands in order, in one call (a placement pass); one outcome per command. */
  async enqueueMany(workerId: string, commands: readonly CommandInput[]): Promise<CommandOutcome[]> {
    const now = Date.now();
    const result = await this.dispatch(
      workerId,
      commands.map((command): SessionEvent => ({ type: "command_enqueued", now, command })),
    );
    const outcomes = commands.map((command): CommandOutcome => {
      const refusal = result.refused.find((entry) => entry.command === command);
      return refusal === undefined ? { ok: true } : { ok: false, reason: refusal.reason };
    });
    if (commands.some((command) => command.type === "assign") && this.state?.announced === false) {
      // The Scheduler placed a run here although this worker is gone (a lost notice): tell it
      // again, so the run's lease ends in a re-stage instead of another placement here.
      this.outbound = this.outbound
        .then(() =>
          this.deliver([{ kind: "report", report: { type: "worker_disconnected", now, worker_id: workerId } }]),
        )
        .catch((error: unknown) => console.error("worker session: notifying the scheduler failed:", error));
      this.ctx.waitUntil(this.outbound);
    }
    return outcomes;
  }

  /** The scheduler took the run back: drop an unsent assignment, or kill the run on the runner. */
  async revoke(workerId: string, uuid: string): Promise<void> {
    await this.dispatch(workerId, [{ type: "assignment_revoked", now: Date.now(), uuid }]);
  }

  /**
   * A live read of a run's directory. Resolves at the first chunk (the rest streams), with the
   * target info, or with the runner's refusal.
   */
  async read(workerId: string, request: LiveReadRequest): Promise<LiveReadReply> {
    const id = crypto.randomUUID();
    const reply = new Promise<LiveReadReply>((resolve) => {
      this.reads.set(
        id,
        new ReadReply(id, resolve, () => {
          this.reads.delete(id);
          void this.dispatch(workerId, [{ type: "read_cancelled", now: Date.now(), id }]).catch(() => undefined);
        }),
      );
    });
    await this.dispatch(workerId, [{ type: "read_requested", now: Date.now(), id, ...request }]);
    return reply;
  }

  /**
   * The caller of a streaming read no longer wants it. Needed because a reader cancelling across
   * RPC is only noticed here at the next chunk, and a followed file may stay silent for hours.
   */
  async cancelRead(workerId: string, id: string): Promise<void> {
    const reply = this.reads.get(id);
    if (reply === undefined) return;
    this.reads.delete(id);
    reply.failed("cancelled", "the reader went away");
    await this.dispatch(workerId, [{ type: "read_cancelled", now: Date.now(), id }]);
  }

  /** A worker token was revoked: the runner connected with it is told so and its socket closed. */
  async disconnectToken(workerId: string, tokenId: string): Promise<void> {
    const state = this.state;
    if (state === null || !state.connected) return;
    const current = this.sockets(state.connection).some((ws) => attachmentOf(ws)?.token === tokenId);
    if (!current) return;
    await this.dispatch(workerId, [
      {
        type: "disconnect_requested",
        now: Date.now(),
        code: "token_revoked",
        reason: "the worker token of this runner was revoked: give it a new one (--token-file) and start it again",
      },
    ]);
  }

  /** The current state, for diagnostics and tests. */
  async snapshot(): Promise<SessionState | null> {
    await this.queue;
    return this.state;
  }

  // Event loop ---------------------------------------------------------------------------------

  /**
   * Events are handled one batch at a time, in arrival order; the Scheduler hears of them
   * afterwards, in the same order, outside this queue. Frames from the runner that arrive while a
   * batch is being handled join the next one (`coalesce`): a runner acknowledging fifty
   * assignments then costs a few database round trips, not fifty. Socket and alarm handlers wait
   * for the notices (the runtime then keeps the object alive for them); calls from other objects
   * do not, because the Scheduler calls the session while handling a notice of this very session.
   */
  private dispatch(
    workerId: string,
    events: SessionEvent[],
    options: { opened?: (state: SessionState) => void; awaitNotices?: boolean; coalesce?: boolean } = {},
  ): Promise<StepResult> {
    const waiting = this.waiting;
    if (options.coalesce && waiting !== null && waiting.workerId === workerId) {
      waiting.events.push(...events);
      return this.settle(waiting.step, options.awaitNotices);
    }
    const batch: Batch = { workerId, events: [...events], step: Promise.resolve({ notices: [], refused: [] }) };
    batch.step = this.queue.then(async () => {
      if (this.waiting === batch) this.waiting = null;
      const result = await this.process(workerId, batch.events, options.opened);
      const notices = result.notices;
      if (notices.length > 0) {
        this.outbound = this.outbound
          .then(() => this.deliver(notices))
          .catch((error: unknown) => console.error("worker session: notifying the scheduler failed:", error));
      }
      return result;
    });
    if (options.coalesce) this.waiting = batch;
    this.queue = batch.step.catch(() => undefined);
    return this.settle(batch.step, options.awaitNotices);
  }

  private async settle(step: Promise<StepResult>, awaitNotices = false): Promise<StepResult> {
    const result = await step;
    if (awaitNotices) await this.outbound;
    else if (result.notices.length > 0) this.ctx.waitUntil(this.outbound);
    return result;
  }

  /**
   * A batch's notices, in order; reports next to each other go in one call, so the Scheduler
   * takes a runner's fifty acknowledgements in one pass rather than fifty.
   */
  private async deliver(notices: readonly Notice[]): Promise<void> {
    let reports: SessionReport[] = [];
    for (const notice of notices) {
      if (notice.kind === "report") {
        reports.push(notice.report);
        continue;
      }
      if (reports.length > 0) await this.ports.notifyScheduler(reports);
      reports = [];
      await this.ports.bundleFinished(notice.uuid, notice.state, Date.now());
    }
    if (reports.length > 0) await this.ports.notifyScheduler(reports);
  }

  private async process(
    workerId: string,
    events: SessionEvent[],
    opened?: (state: SessionState) => void,
  ): Promise<StepResult> {
    const result: StepResult = { notices: [], refused: [] };
    const config = { ...DEFAULT_SESSION_CONFIG, ...(await this.ctx.storage.get<Partial<SessionConfig>>("config")) };
    let queue = [...events];
    // Each round reduces every queued event, stores the state once, then carries out the effects
    // in order (a placement pass queues dozens of commands: one write, not one each).
    for (let round = 0; queue.length > 0 && round < MAX_ROUNDS; round++) {
      const before = this.state;
      let state = before ?? initialSessionState(workerId);
      let openedState: SessionState | null = null;
      const pending: { state: SessionState; effect: SessionEffect }[] = [];
      for (const event of queue) {
        const step = reduceSession(state, event, config);
        state = step.state;
        if (event.type === "socket_opened") openedState = state;
        for (const effect of step.effects) pending.push({ state, effect });
      }
      const writes = newWrites();
      writeSession(before, state, writes);
      this.state = state;
      await commitWrites(this.ctx.storage, writes);
      if (openedState !== null) opened?.(openedState);
      queue = [];
      const applied = await this.applyInBulk(pending.map((entry) => entry.effect));
      for (const { state: at, effect } of pending) {
        queue.push(...(await this.perform(at, effect, result, applied)));
      }
    }
    return result;
  }

  /**
   * The round's run events in a few database round trips, ahead of the other effects (which only
   * talk to the runner and the Scheduler). Reports that charge time or may kill for quota are
   * applied one by one, in order, as are all the events of a bundle that has one of them.
   */
  private async applyInBulk(effects: readonly SessionEffect[]): Promise<Map<SessionEffect, TransitionOutcome>> {
    const byBundle = new Map<string, { effect: SessionEffect; event: MachineEvent }[]>();
    for (const effect of effects) {
      if (effect.type !== "apply_run_event") continue;
      const list = byBundle.get(effect.uuid);
      if (list === undefined) byBundle.set(effect.uuid, [{ effect, event: effect.event }]);
      else list.push({ effect, event: effect.event });
    }
    const bulk = [...byBundle].filter(([, list]) => list.every(({ event }) => !CHARGED_EVENTS.has(event.type)));
    const outcomes = new Map<SessionEffect, TransitionOutcome>();
    if (bulk.length < 2) return outcomes;
    let applied: Map<string, TransitionOutcome[]>;
    try {
      applied = await this.ports.applyTransitions(
        bulk.map(([uuid, list]) => ({ uuid, events: list.map((entry) => entry.event) })),
      );
    } catch (error) {
      // One by one then, each failure handled where the effect is performed.
      console.error("worker session: applying run events in bulk failed:", error);
      return outcomes;
    }
    for (const [uuid, list] of bulk) {
      const results = applied.get(uuid) ?? [];
      list.forEach(({ effect }, i) => {
        const result = results[i];
        if (result !== undefined) outcomes.set(effect, result);
      });
    }
    return outcomes;
  }

  /** Carries out one effect; returns the events it leads to for this session. */
  private async perform(
    state: SessionState,
    effect: SessionEffect,
    result: StepResult,
    applied: ReadonlyMap<SessionEffect, TransitionOutcome>,
  ): Promise<SessionEvent[]> {
    switch (effect.type) {
      case "send":
        this.send(state.connection, effect.message);
        return [];
      case "close_socket":
        for (const ws of this.sockets(effect.connection)) {
          try {
            ws.close(effect.code, effect.reason);
          } catch {
            // Already closing.
          }
        }
        return [];
      case "notify_scheduler":
        result.notices.push({ kind: "report", report: effect.report });
        return [];
      case "apply_run_event": {
        const outcome = applied.get(effect);
        return this.applyRunEvent(
          state,
          effect.uuid,
          outcome === undefined ? () => this.ports.applyTransition(effect.uuid, effect.event) : async () => outcome,
          result,
        );
      }
      case "read_chunk": {
        const reply = this.reads.get(effect.id);
        // Its caller went with an eviction of this object: the runner need not go on (a follow
        // read would never end by itself).
        if (reply === undefined) return [{ type: "read_cancelled", now: Date.now(), id: effect.id }];
        reply.chunk(effect.data);
        return [];
      }
      case "read_done":
        this.reads.get(effect.id)?.done(effect.info);
        this.reads.delete(effect.id);
        return [];
      case "read_failed":
        this.reads.get(effect.id)?.failed(effect.code, effect.message);
        this.reads.delete(effect.id);
        return [];
      case "command_refused":
        result.refused.push({ command: effect.command, reason: effect.reason });
        return [];
      case "set_alarm":
        if (effect.at === null) await this.ctx.storage.deleteAlarm();
        else await this.ctx.storage.setAlarm(effect.at);
        return [];
    }
  }

  /**
   * Applies a run event to its bundle and carries out what the transition asks: commands to this
   * runner become events of this session, the result commit follows a finished run, and a final
   * state goes to the Scheduler. A refused event makes the runner drop the run.
   */
  private async applyRunEvent(
    state: SessionState,
    uuid: string,
    apply: () => Promise<TransitionOutcome>,
    result: StepResult,
  ): Promise<SessionEvent[]> {
    const followUps: SessionEvent[] = [];
    let outcome: TransitionOutcome;
    try {
      outcome = await apply();
    } catch (error) {
      // The runner reports every held run again after its next welcome.
      console.error(`worker session ${state.worker_id}: applying a run event to ${uuid} failed:`, error);
      return [];
    }
    if (!outcome.applied) {
      return [{ type: "run_event_refused", now: Date.now(), uuid, reason: outcome.reason, settled: outcome.settled }];
    }
    for (let depth = 0; depth < 2; depth++) {
      const routed = routeMachineEffects(uuid, outcome.effects);
      for (const { worker_id, command } of routed.commands) {
        if (worker_id === state.worker_id) followUps.push({ type: "command_enqueued", now: Date.now(), command });
        else await this.ports.sendCommand(worker_id, command);
      }
      if (routed.final !== null) result.notices.push({ kind: "final", uuid, state: routed.final });
      if (!routed.commit) break;
      try {
        outcome = await this.ports.commitResults(uuid);
      } catch (error) {
        console.error(`worker session ${state.worker_id}: committing the results of ${uuid} failed:`, error);
        break;
      }
      if (!outcome.applied) break;
    }
    return followUps;
  }

  private sockets(connection: number): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => attachmentOf(ws)?.connection === connection);
  }

  private send(connection: number, message: ServerMessage): void {
    let text: string;
    try {
      text = encodeMessage(message);
    } catch (error) {
      console.error(`worker session: not sending an invalid ${message.type} message:`, error);
      return;
    }
    for (const ws of this.sockets(connection)) {
      try {
        ws.send(text);
      } catch {
        // The socket is closing; the close event follows and the command is re-sent after a reconnect.
      }
    }
  }
}

function writeSession(before: SessionState | null, after: SessionState, writes: StorageWrites): void {
  const { outbox, ...rest } = after;
  writes.puts[STATE_KEY] = rest;
  if (before !== null && before.outbox === outbox) return;
  const previous = new Map<number, OutboxEntry>((before?.outbox ?? []).map((entry) => [entry.seq, entry]));
  for (const entry of outbox) {
    if (previous.get(entry.seq) !== entry) writes.puts[outboxKey(entry.seq)] = entry;
    previous.delete(entry.seq);
  }
  for (const seq of previous.keys()) writes.deletes.push(outboxKey(seq));
}

async function loadSession(storage: DurableObjectStorage): Promise<SessionState | null> {
  const rest = await storage.get<Omit<SessionState, "outbox">>(STATE_KEY);
  if (rest === undefined) return null;
  const entries = await storage.list<OutboxEntry>({ prefix: OUTBOX_PREFIX });
  return { ...rest, outbox: [...entries.values()].sort((a, b) => a.seq - b.seq) };
}
