/**
 * The runner agent: holds the runs, speaks the protocol through `ServerLink`, and carries out
 * the server's commands (assign, kill, write, read, mark_finalized, reconcile). Runs survive a
 * restart through state.json: on start they are reloaded, their containers re-attached (orphans
 * removed) and reported in `hello`. A graceful stop hands back runs that have not finished
 * running (dropping them and saying `run_restaged`, so the server re-stages them at once), lets
 * uploads finish, and exits.
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { normalizeSubpath } from "@codalab/core/paths/safe-path";
import {
  type Capacity,
  type DependencyKeyWire,
  encodeChunk,
  encodeMessage,
  type HeldRun,
  MAX_CACHED_DEPENDENCIES,
  MAX_HELD_RUNS,
  PROTOCOL_VERSION,
  type RunnerMessageInput,
  type ServerCommand,
} from "@codalab/core/runs/protocol";
import { describeFetchError } from "./api/auth-session.ts";
import type { ServerApi } from "./api/server-api.ts";
import type { AgentConfig } from "./config/agent-config.ts";
import type { BackoffOptions } from "./connection/backoff.ts";
import { SeenCommands } from "./connection/seen-commands.ts";
import { type HelloInput, type ReadRequest, ServerLink } from "./connection/server-link.ts";
import type { Transport } from "./connection/transport.ts";
import type { DependencyCache } from "./dependencies/dependency-cache.ts";
import { writeIntoRun } from "./files/write-into-run.ts";
import { errorText, type Logger, shortUuid } from "./logger.ts";
import { serveRead } from "./read/serve-read.ts";
import { admitRun } from "./runs/admission.ts";
import { type RunContext, RunController, type UploadRun } from "./runs/run-controller.ts";
import { newRunRecord } from "./runs/run-machine.ts";
import type { AgentState, StateStore } from "./runs/state-store.ts";
import type { ContainerRuntime } from "./runtime/container-runtime.ts";
import { uploadRunResults } from "./upload/upload-results.ts";

export const AGENT_VERSION = "0.1.0";

export type AgentTiming = {
  monitorIntervalMs: number;
  updateIntervalMs: number;
  diskIntervalMs: number;
  capacityIntervalMs: number;
  helloTimeoutMs: number;
  backoff?: BackoffOptions;
};

export const DEFAULT_TIMING: AgentTiming = {
  monitorIntervalMs: 1000,
  updateIntervalMs: 5000,
  diskIntervalMs: 1000,
  capacityIntervalMs: 30_000,
  helloTimeoutMs: 30_000,
};

export type AgentDeps = {
  config: AgentConfig;
  runtime: ContainerRuntime;
  api: ServerApi;
  cache: DependencyCache;
  store: StateStore;
  transport: Transport;
  log: Logger;
  measureCapacity: () => Promise<Capacity>;
  upload?: UploadRun;
  now?: () => number;
  timing?: Partial<AgentTiming>;
};

export class Agent {
  readonly runs = new Map<string, RunController>();
  readonly link: ServerLink;
  private readonly deps: AgentDeps;
  private readonly timing: AgentTiming;
  private readonly now: () => number;
  private readonly seen = new SeenCommands();
  /** Reads being answered, by correlation id, so `read_cancel` can stop them. */
  private readonly reads = new Map<string, AbortController>();
  private runsTaken = 0;
  private draining = false;
  private capacity: Capacity = { cpus: 0, gpus: 0, memory_bytes: 0, free_disk_bytes: 0 };
  private lastCapacityReport = "";
  private capacityTimer: ReturnType<typeof setInterval> | undefined;
  private exit: ((code: number) => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Resolves with the process exit code once the agent has stopped. */
  readonly finished: Promise<number>;

  constructor(deps: AgentDeps) {
    this.deps = deps;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.now = deps.now ?? Date.now;
    this.finished = new Promise((resolve) => {
      this.exit = resolve;
    });
    const { api, config, log } = deps;
    this.link = new ServerLink({
      url: () => {
        const query: Record<string, string> = { worker_name: config.workerName };
        if (config.sharedPool) query.shared_pool = "true";
        return api.socketUrl("/rest/workers/connect", query);
      },
      token: () => api.auth.token(),
      diagnose: (url, token) => diagnoseConnect(api, url, token),
      transport: deps.transport,
      seen: this.seen,
      afterCommand: () => this.persist(),
      log,
      protocolVersion: PROTOCOL_VERSION,
      backoff: this.timing.backoff,
      helloTimeoutMs: this.timing.helloTimeoutMs,
      handlers: {
        hello: () => this.hello(),
        welcome: () => this.reportAll(),
        command: (message) => this.command(message),
        read: (message) => void this.read(message),
        readCancel: (message) => this.reads.get(message.id)?.abort(),
        fatal: (message) => {
          log.error(`the server refuses this runner: ${message}`);
          void this.stop(1);
        },
      },
    });
  }

  get runsDir(): string {
    return join(this.deps.config.workDir, "runs");
  }

  /** Reloads held runs, cleans up what belongs to none, and connects. */
  async start(): Promise<AgentState> {
    const { store, config, runtime, log } = this.deps;
    const state = await store.load(config.workerName);
    this.seen.restore(state.seen);
    this.runsTaken = state.runs_taken;
    for (const record of state.runs) {
      if (record.stage === "finished") continue;
      this.runs.set(record.uuid, new RunController(record, this.runContext()));
    }
    const keep = new Set<string>();
    for (const controller of this.runs.values()) {
      const id = controller.record.container_id;
      if (id !== null && (controller.record.stage === "running" || controller.record.stage === "uploading"))
        keep.add(id);
    }
    for (const uuid of await runtime.removeOrphans(keep).catch((error: unknown) => {
      log.warn(`cannot list this worker's containers: ${errorText(error)}`);
      return [];
    })) {
      log.info(`removed a container of run ${shortUuid(uuid)} that no held run owns`);
    }
    for (const name of await readdir(this.runsDir).catch(() => [])) {
      if (!this.runs.has(name)) {
        log.info(`removing the directory of run ${shortUuid(name)}, which no held run owns`);
        await rm(join(this.runsDir, name), { recursive: true, force: true });
      }
    }
    this.capacity = await this.deps.measureCapacity();
    for (const controller of this.runs.values()) void controller.start();
    this.capacityTimer = setInterval(() => void this.refreshCapacity(), this.timing.capacityIntervalMs);
    this.capacityTimer.unref?.();
    this.persist();
    return state;
  }

  /** Opens the protocol socket (after `start`, once the start-up report is out). */
  connect(): void {
    this.link.start();
  }

  held(): HeldRun[] {
    const held: HeldRun[] = [];
    for (const controller of this.runs.values()) {
      const stage = controller.record.stage;
      if (stage !== "finished" && !controller.isDropped) held.push({ uuid: controller.uuid, stage });
    }
    return held.slice(0, MAX_HELD_RUNS);
  }

  private runsLeft(): number | null {
    const limit = this.deps.config.exitAfterNumRuns;
    return limit === null ? null : Math.max(0, limit - this.runsTaken);
  }

  private hello(): HelloInput {
    const { config, runtime, cache } = this.deps;
    this.lastCapacityReport = this.capacitySummary();
    return {
      worker_name: config.workerName,
      hostname: config.hostname,
      runtime: runtime.kind,
      capacity: this.capacity,
      tag: config.tag,
      tag_exclusive: config.tagExclusive,
      group: config.group,
      max_runs: this.draining ? 0 : this.runsLeft(),
      preemptible: config.preemptible,
      is_terminating: this.draining,
      runs: this.held(),
      cached_dependencies: cache.cached().slice(0, MAX_CACHED_DEPENDENCIES),
      agent_version: AGENT_VERSION,
    };
  }

  private reportAll(): void {
    for (const controller of this.runs.values()) {
      if (controller.isDropped) continue;
      const message = controller.report();
      if (message !== null) this.send(message);
    }
  }

  private send(message: RunnerMessageInput): void {
    this.link.send(message);
  }

  private persist(): void {
    void this.deps.store.save(() => ({
      version: 1,
      worker_name: this.deps.config.workerName,
      seen: this.seen.toJSON(),
      runs_taken: this.runsTaken,
      runs: [...this.runs.values()].filter((c) => !c.isDropped && c.record.stage !== "finished").map((c) => c.record),
    }));
  }

  private runContext(): RunContext {
    const { runtime, cache, log, api } = this.deps;
    return {
      runtime,
      cache,
      upload:
        this.deps.upload ??
        (({ uuid, root, members, signal, onProgress }) =>
          uploadRunResults({ api, uuid, root, members, signal, onProgress }).then(() => undefined)),
      runsDir: this.runsDir,
      send: (message) => this.send(message),
      persist: () => this.persist(),
      forget: (uuid) => this.forget(uuid),
      log,
      now: this.now,
      monitorIntervalMs: this.timing.monitorIntervalMs,
      updateIntervalMs: this.timing.updateIntervalMs,
      diskIntervalMs: this.timing.diskIntervalMs,
    };
  }

  private forget(uuid: string): void {
    if (!this.runs.delete(uuid)) return;
    this.persist();
    void this.refreshCapacity();
    if (this.runs.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      if (!this.draining && this.runsLeft() === 0) {
        this.deps.log.info("took every run it was started for (--exit-after-num-runs); exiting");
        void this.drain("exit-after-num-runs reached");
      }
    }
  }

  private usedGpus(): Set<number> {
    const used = new Set<number>();
    for (const controller of this.runs.values()) for (const gpu of controller.record.gpus) used.add(gpu);
    return used;
  }

  // ---------------------------------------------------------------------------------------------
  // commands

  private async command(message: ServerCommand): Promise<void> {
    switch (message.type) {
      case "assign":
        return this.assign(message);
      case "kill": {
        const controller = this.runs.get(message.uuid);
        if (controller === undefined) this.deps.log.debug(`kill of unknown run ${shortUuid(message.uuid)} ignored`);
        else controller.kill(message.message);
        return;
      }
      case "write":
        return this.write(message);
      case "mark_finalized":
        this.runs.get(message.uuid)?.markFinalized();
        return;
      case "reconcile":
        for (const uuid of message.kill) {
          const controller = this.runs.get(uuid);
          if (controller !== undefined) await controller.drop("the server no longer wants it (reconcile)");
        }
        return;
    }
  }

  private async assign(message: Extract<ServerCommand, { type: "assign" }>): Promise<void> {
    const { config, log, runtime } = this.deps;
    const run = message.run;
    const existing = this.runs.get(run.uuid);
    if (existing !== undefined && !existing.isDropped) {
      // A repeated assignment (our answer was lost): answer again, change nothing.
      if (existing.record.stage !== "finished") this.send({ type: "run_ack", uuid: run.uuid });
      return;
    }
    const free = [...Array(this.capacity.gpus).keys()].filter((gpu) => !this.usedGpus().has(gpu));
    const admission = admitRun(run, {
      draining: this.draining,
      held: this.held().length,
      maxConcurrentRuns: config.maxConcurrentRuns,
      runsLeft: this.runsLeft(),
      cpus: this.capacity.cpus,
      memoryBytes: this.capacity.memory_bytes,
      freeGpus: free,
    });
    if (!admission.ok) {
      log.info(`run ${shortUuid(run.uuid)}: rejected (${admission.reason})`);
      this.send({ type: "run_rejected", uuid: run.uuid, reason: admission.reason });
      return;
    }
    const record = newRunRecord(run, runtime.kind, this.now(), admission.gpus);
    const controller = new RunController(record, this.runContext());
    this.runs.set(run.uuid, controller);
    this.runsTaken++;
    this.persist();
    await this.deps.store.idle();
    if (controller.isDropped) {
      // A drain began while the record was being saved: the run was handed back already.
      this.send({ type: "run_rejected", uuid: run.uuid, reason: "the worker is shutting down" });
      return;
    }
    log.info(
      `run ${shortUuid(run.uuid)}: accepted (${run.requirements.docker_image}, ${run.dependencies.length} dependencies)`,
    );
    this.send({ type: "run_ack", uuid: run.uuid });
    const update = controller.report();
    if (update !== null) this.send(update);
    void controller.start();
    if (config.exitAfterNumRuns !== null) this.send({ type: "capacity_update", max_runs: this.runsLeft() });
  }

  private async write(message: Extract<ServerCommand, { type: "write" }>): Promise<void> {
    const controller = this.runs.get(message.uuid);
    if (controller === undefined) return;
    const stage = controller.record.stage;
    if (stage !== "preparing" && stage !== "running") {
      this.deps.log.info(`run ${shortUuid(message.uuid)}: write of ${message.subpath} after the run ended ignored`);
      return;
    }
    await controller.directoryReady;
    await writeIntoRun(controller.runDir, this.protectedPaths(controller), message.subpath, message.string);
    this.deps.log.info(
      `run ${shortUuid(message.uuid)}: wrote ${message.subpath} (${message.string.length} characters)`,
    );
  }

  /** Mount points, plus dependency keys not mounted yet (a write must not take their place). */
  private protectedPaths(controller: RunController): string[] {
    const paths = new Set(controller.hidden);
    for (const dependency of controller.record.run.dependencies) {
      try {
        const key = normalizeSubpath(dependency.child_path, "dependency key");
        if (key !== "") paths.add(key);
      } catch {
        // An invalid key fails the run's preparation; nothing to protect.
      }
    }
    return [...paths];
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  private async read(message: ReadRequest): Promise<void> {
    const controller = this.runs.get(message.uuid);
    if (controller === undefined || controller.isDropped || controller.record.stage === "finished") {
      this.send({
        type: "read_error",
        id: message.id,
        code: "not_running",
        message: `bundle ${message.uuid} is not running on this worker`,
      });
      return;
    }
    let index = 0;
    const cancel = new AbortController();
    this.reads.set(message.id, cancel);
    await serveRead(
      {
        root: controller.runDir,
        uuid: message.uuid,
        hidden: this.protectedPaths(controller),
        path: message.path,
        spec: message.spec,
        // A followed file ends when the run's command has exited (its results are uploaded next).
        isRunning: () =>
          !controller.isDropped && (controller.record.stage === "preparing" || controller.record.stage === "running"),
        signal: cancel.signal,
      },
      {
        chunk: async (data) => {
          if (!(await this.link.writable())) return false;
          this.send({ type: "read_chunk", id: message.id, index, data: encodeChunk(data) });
          index++;
          return true;
        },
        end: (info) => {
          const end: RunnerMessageInput = { type: "read_end", id: message.id, chunks: index };
          if (info !== undefined) end.info = info;
          try {
            encodeMessage(end);
            this.send(end);
          } catch (error) {
            this.send({
              type: "read_error",
              id: message.id,
              code: "too_large",
              message: errorText(error).slice(0, 1000),
            });
          }
        },
        error: (code, text) => this.send({ type: "read_error", id: message.id, code, message: text.slice(0, 1024) }),
      },
    );
    this.reads.delete(message.id);
  }

  // ---------------------------------------------------------------------------------------------
  // capacity, drain, stop

  private async refreshCapacity(): Promise<void> {
    try {
      this.capacity = await this.deps.measureCapacity();
    } catch {
      return;
    }
    const summary = this.capacitySummary();
    if (summary === this.lastCapacityReport || !this.link.ready) return;
    this.lastCapacityReport = summary;
    const cached: DependencyKeyWire[] = this.deps.cache.cached().slice(0, MAX_CACHED_DEPENDENCIES);
    this.send({ type: "capacity_update", capacity: this.capacity, cached_dependencies: cached });
  }

  /** What the server knows of our capacity; free disk only counts in steps of 1 GiB. */
  private capacitySummary(): string {
    return JSON.stringify({
      disk: Math.floor(this.capacity.free_disk_bytes / 2 ** 30),
      cpus: this.capacity.cpus,
      memory: this.capacity.memory_bytes,
      cached: this.deps.cache
        .cached()
        .map((key) => `${key.parent_uuid}:${key.parent_path}`)
        .sort(),
    });
  }

  /**
   * Graceful stop: take no more runs, hand back those not finished running (`run_restaged`: the
   * server re-stages them at once; if the socket is down, our next hello no longer lists them, which
   * does the same), let uploads and finalisation finish for up to `--drain-timeout`, then stop. A
   * second call (second signal) stops at once.
   */
  async drain(reason: string): Promise<void> {
    const { log, config } = this.deps;
    if (this.draining) {
      log.warn("stopping now; held runs resume when the runner starts again");
      await this.stop(0);
      return;
    }
    this.draining = true;
    log.info(`draining (${reason}): no new runs; running ones are handed back, uploads finish`);
    this.send({ type: "capacity_update", is_terminating: true, max_runs: 0 });
    const handBack = [...this.runs.values()].filter(
      (controller) => controller.record.stage === "preparing" || controller.record.stage === "running",
    );
    const handedBack = "handed back: the worker is shutting down";
    await Promise.all(handBack.map((controller) => controller.drop(handedBack)));
    for (const controller of handBack) this.send({ type: "run_restaged", uuid: controller.uuid, reason: handedBack });
    if (this.runs.size > 0) {
      log.info(`waiting up to ${config.drainTimeout}s for ${this.runs.size} run(s) to finish uploading`);
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        delay(config.drainTimeout * 1000),
      ]);
    }
    await this.stop(0);
  }

  async stop(code: number): Promise<void> {
    clearInterval(this.capacityTimer);
    this.persist();
    await this.deps.store.idle();
    await this.link.stop();
    this.exit?.(code);
  }
}

/**
 * Why the socket would not open: a plain GET of the same URL shows the HTTP answer (a refused
 * token is dropped so the next attempt logs in again).
 */
async function diagnoseConnect(api: ServerApi, url: string, token: string): Promise<string | null> {
  const http = url.replace(/^ws/, "http");
  try {
    const response = await fetch(http, { headers: { authorization: `Bearer ${token}` } });
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 401) {
      api.auth.invalidate(token);
      return `the server refused our credentials at ${http.replace(/\?.*$/, "")} (HTTP 401)`;
    }
    if (response.status === 404)
      return `the server has no ${new URL(http).pathname} (HTTP 404): is it a CodaLab server?`;
    return `the WebSocket upgrade failed at ${http.replace(/\?.*$/, "")} (plain GET answers HTTP ${response.status})`;
  } catch (error) {
    return `cannot reach ${new URL(http).origin}: ${describeFetchError(error)}`;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
