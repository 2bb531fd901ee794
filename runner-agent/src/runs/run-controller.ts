/**
 * Drives one run through its stages on this machine (the record's state machine is in
 * run-machine.ts): prepare (dependencies from the cache, the image, the directory and its mount
 * points, the container), run under the limits monitor, clean up and upload the results, report
 * `run_finished`, and wait for `mark_finalized` before deleting local state. Every transition is
 * persisted and reported. A kill ends whatever the current stage is doing (each stage has its own
 * abort signal, so a run killed while running still uploads what it produced); a drop (reconcile,
 * hand-back) stops everything and forgets the run without a word to the server.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { formatSize } from "@codalab/core/format/size";
import type { RunnerMessageInput } from "@codalab/core/runs/protocol";
import type { DependencyCache, DependencyLease } from "../dependencies/dependency-cache.ts";
import { measureRunDir, type RunDirMember, walkRunDir } from "../files/walk-run-dir.ts";
import { errorText, type Logger, shortUuid } from "../logger.ts";
import type { ContainerRuntime, RunHandle, RunSample } from "../runtime/container-runtime.ts";
import { membersDataSize } from "../upload/results-tar.ts";
import { diedOfMemory, exceededLimit, nextDiskCheckDelay } from "./limits.ts";
import { createMountPoints, planMounts, removeMountPoints } from "./mount-plan.ts";
import {
  type RunEvent,
  type RunRecord,
  reportMessage,
  runFinishedMessage,
  runUpdateMessage,
  transitionRun,
} from "./run-machine.ts";

export type UploadRun = (args: {
  uuid: string;
  root: string;
  members: readonly RunDirMember[];
  signal: AbortSignal;
  onProgress: (sent: number, total: number) => void;
}) => Promise<void>;

export type RunContext = {
  runtime: ContainerRuntime;
  cache: DependencyCache;
  upload: UploadRun;
  /** `<work-dir>/runs`. */
  runsDir: string;
  send: (message: RunnerMessageInput) => void;
  /** The record changed: save the agent's state (coalesced by the store). */
  persist: () => void;
  /** The run reached `finished` or was dropped: forget it. */
  forget: (uuid: string) => void;
  log: Logger;
  now: () => number;
  monitorIntervalMs: number;
  updateIntervalMs: number;
  diskIntervalMs: number;
};

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export class RunController {
  record: RunRecord;
  private readonly ctx: RunContext;
  private stageAbort = new AbortController();
  private handle: RunHandle | null = null;
  private leases: DependencyLease[] = [];
  private dropped = false;
  private finalizeRequested = false;
  private resolveFinalized: (() => void) | undefined;
  private lastUpdateSent = 0;
  private lastStatusSent = 0;
  private cpuMark: { at: number; total: number } | null = null;
  private diskBytes: number | undefined;
  private running: Promise<void> | undefined;
  private directoryMade: () => void = () => undefined;
  /** Resolves once the run's directory exists (a `write` during preparation waits for it). */
  readonly directoryReady: Promise<void>;

  constructor(record: RunRecord, ctx: RunContext) {
    this.record = record;
    this.ctx = ctx;
    this.directoryReady = new Promise((resolve) => {
      this.directoryMade = resolve;
    });
    if (record.stage !== "preparing") this.directoryMade();
  }

  get uuid(): string {
    return this.record.uuid;
  }

  get runDir(): string {
    return join(this.ctx.runsDir, this.record.uuid);
  }

  /** Dependency mount points inside the run directory. */
  get hidden(): string[] {
    return this.record.mounts.map((mount) => mount.target);
  }

  get isDropped(): boolean {
    return this.dropped;
  }

  /** Starts (or, after a restart, resumes) driving the run; resolves when it is finished or dropped. */
  start(): Promise<void> {
    this.running ??= this.drive();
    return this.running;
  }

  /** What to tell the server after each welcome. */
  report(): RunnerMessageInput | null {
    return reportMessage(this.record, this.ctx.now());
  }

  kill(message: string): void {
    const stage = this.record.stage;
    if (stage === "finished" || this.dropped) return;
    if (stage === "finalizing") {
      // Results are uploaded and reported: nothing left to stop, only local state to forget.
      this.ctx.log.info(`run ${shortUuid(this.uuid)}: kill while finalizing; forgetting it`);
      this.requestFinalize();
      return;
    }
    const already = this.record.killed && this.record.kill_message !== null;
    this.apply({ type: "kill_requested", at: this.ctx.now(), message });
    if (!already) this.ctx.log.info(`run ${shortUuid(this.uuid)}: kill requested (${message}) while ${stage}`);
    this.stageAbort.abort(new Error(message));
  }

  markFinalized(): void {
    if (this.record.stage !== "finalizing") {
      this.ctx.log.warn(`run ${shortUuid(this.uuid)}: mark_finalized while ${this.record.stage}; ignored`);
      return;
    }
    this.requestFinalize();
  }

  private requestFinalize(): void {
    this.finalizeRequested = true;
    this.resolveFinalized?.();
  }

  /** Stops everything and deletes local state without reporting (the server no longer wants the run). */
  async drop(reason: string): Promise<void> {
    if (this.dropped) return;
    this.ctx.log.info(`run ${shortUuid(this.uuid)}: dropping (${reason})`);
    this.dropped = true;
    this.stageAbort.abort(new Error(reason));
    this.requestFinalize();
    const handle = this.handle ?? (await this.reattach());
    if (handle !== null) {
      await handle.kill();
      await handle.remove();
    }
    await this.running?.catch(() => undefined);
    this.releaseLeases();
    await rm(this.runDir, { recursive: true, force: true }).catch(() => undefined);
    this.ctx.forget(this.uuid);
  }

  private async drive(): Promise<void> {
    while (!this.dropped) {
      this.stageAbort = new AbortController();
      switch (this.record.stage) {
        case "preparing":
          await this.prepare();
          break;
        case "running":
          await this.runToExit();
          break;
        case "uploading":
          await this.cleanUpAndUpload();
          break;
        case "finalizing":
          await this.awaitFinalized();
          break;
        case "finished":
          this.ctx.forget(this.uuid);
          return;
      }
    }
  }

  private apply(event: RunEvent): void {
    if (this.dropped) return;
    const before = this.record;
    this.record = transitionRun(before, event);
    if (this.record === before) return;
    // Status text and usage numbers change every second; they are saved with the next transition.
    if (event.type !== "status") this.ctx.persist();
    const now = this.ctx.now();
    if (this.record.stage !== before.stage) {
      this.ctx.log.info(
        `run ${shortUuid(this.uuid)}: ${before.stage} → ${this.record.stage}${this.record.failure_message && this.record.stage === "finalizing" ? ` (${this.record.failure_message})` : ""}`,
      );
      if (this.record.stage === "finalizing") this.ctx.send(runFinishedMessage(this.record, now));
      else this.sendUpdate(now);
    }
  }

  private sendUpdate(now: number): void {
    const update = runUpdateMessage(this.record, now);
    if (update === null) return;
    this.lastUpdateSent = now;
    this.ctx.send(update);
  }

  /** A status line for users; throttled to one message a second. */
  private status(runStatus: string, force = false): void {
    this.apply({ type: "status", run_status: runStatus });
    const now = this.ctx.now();
    if (force || now - this.lastStatusSent >= 1000) {
      this.lastStatusSent = now;
      this.sendUpdate(now);
    }
  }

  private releaseLeases(): void {
    for (const lease of this.leases) lease.release();
    this.leases = [];
  }

  private async reattach(): Promise<RunHandle | null> {
    const id = this.record.container_id;
    if (id === null) return null;
    try {
      return await this.ctx.runtime.reattach(id, this.uuid);
    } catch (error) {
      this.ctx.log.warn(`run ${shortUuid(this.uuid)}: cannot find its container: ${errorText(error)}`);
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // preparing

  private async prepare(): Promise<void> {
    const { runtime, cache, log } = this.ctx;
    const signal = this.stageAbort.signal;
    const run = this.record.run;
    try {
      // A restart during preparation leaves a half-made directory: start it afresh.
      await rm(this.runDir, { recursive: true, force: true });
      await mkdir(this.runDir, { recursive: true, mode: 0o755 });
      this.directoryMade();
      if (run.dependencies.length > 0) this.status("Downloading dependencies.", true);
      const settled = await Promise.allSettled(
        run.dependencies.map(async (dependency) => {
          try {
            return await cache.acquire(
              { parent_uuid: dependency.parent_uuid, parent_path: dependency.parent_path },
              {
                signal,
                onProgress: (bytes) =>
                  this.status(`Downloading dependency ${dependency.child_path}: ${formatSize(bytes)} done`),
              },
            );
          } catch (error) {
            if (signal.aborted) throw error;
            throw new Error(`Failed to download dependency ${dependency.child_path}: ${errorText(error)}`);
          }
        }),
      );
      this.leases = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      const failed = settled.find((result) => result.status === "rejected");
      if (failed) throw failed.reason;
      signal.throwIfAborted();

      let digest: string | null = null;
      if (runtime.kind === "docker") {
        this.status(`Preparing Docker image ${run.requirements.docker_image}.`, true);
        digest = await runtime.prepareImage(run.requirements.docker_image, (text) => this.status(text, true), signal);
      }
      const mounts = await planMounts(
        run.dependencies.map((dependency, i) => {
          const lease = this.leases[i];
          if (lease === undefined) throw new Error(`dependency ${dependency.child_path} is not ready`);
          return { child_path: dependency.child_path, lease };
        }),
      );
      await createMountPoints(this.runDir, mounts, runtime.mountStyle);
      signal.throwIfAborted();
      this.status("Starting container.", true);
      const handle = await runtime.start({
        uuid: this.uuid,
        runDir: this.runDir,
        command: run.command,
        image: run.requirements.docker_image,
        mounts,
        memory: run.requirements.memory,
        cpus: run.requirements.cpus,
        gpus: this.record.gpus,
        network: run.requirements.network,
      });
      this.handle = handle;
      log.info(
        `run ${shortUuid(this.uuid)}: started ${runtime.kind === "docker" ? "container" : "process"} ${handle.id.slice(0, 24)}`,
      );
      this.apply({
        type: "container_started",
        at: this.ctx.now(),
        container_id: handle.id,
        docker_image: digest,
        mounts,
      });
      const running = runtime.kind === "docker" ? "Running." : `Running (${runtime.description}).`;
      if (run.requirements.network && !runtime.networkAvailable) {
        this.status("Running without network: this worker has none to give.", true);
      } else {
        this.status(running, true);
      }
    } catch (error) {
      this.directoryMade();
      this.releaseLeases();
      if (this.dropped) return;
      if (this.record.killed) this.apply({ type: "preparation_aborted", at: this.ctx.now() });
      else {
        const message = errorText(error);
        log.warn(`run ${shortUuid(this.uuid)}: preparation failed: ${message}`);
        this.apply({ type: "preparation_failed", at: this.ctx.now(), message });
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // running

  private async runToExit(): Promise<void> {
    const { runtime, log } = this.ctx;
    const signal = this.stageAbort.signal;
    let handle = this.handle;
    if (handle === null) {
      handle = await this.reattach();
      if (handle === null) {
        const message =
          runtime.kind === "process"
            ? "The runner restarted while the run was in progress; the process runtime cannot re-attach to a run."
            : "The run's container disappeared while the runner was down.";
        this.apply({ type: "container_lost", at: this.ctx.now(), message });
        return;
      }
      this.handle = handle;
      log.info(`run ${shortUuid(this.uuid)}: re-attached to ${handle.id.slice(0, 12)}`);
      await this.reacquireDependencies();
    }
    const current = handle;
    const killNow = () => void current.kill();
    signal.addEventListener("abort", killNow, { once: true });
    if (this.record.killed) killNow();

    let exited = false;
    const exit = current.wait().finally(() => {
      exited = true;
    });
    exit.catch(() => undefined);
    const diskStop = new AbortController();
    const disk = this.watchDisk(diskStop.signal);
    try {
      while (!exited && !this.dropped) {
        await Promise.race([exit, sleep(this.ctx.monitorIntervalMs)]).catch(() => undefined);
        if (exited || this.dropped) break;
        await this.checkRun(current);
      }
      const status = await exit;
      if (this.dropped) return;
      const memoryLimit = this.record.run.requirements.memory;
      const oom = diedOfMemory({
        exitcode: status.exitcode,
        oomKilled: status.oomKilled,
        killedByUs: this.record.killed,
        memoryMax: this.record.usage.memory_max,
        memoryLimit,
      });
      this.apply({ type: "container_exited", at: this.ctx.now(), exitcode: status.exitcode, oom_killed: oom });
    } catch (error) {
      if (this.dropped) return;
      this.apply({ type: "container_lost", at: this.ctx.now(), message: `Worker error: ${errorText(error)}` });
    } finally {
      signal.removeEventListener("abort", killNow);
      diskStop.abort();
      await disk;
    }
  }

  /** One tick of the monitor: resource use, limits, and a periodic update. */
  private async checkRun(handle: RunHandle): Promise<void> {
    const now = this.ctx.now();
    const sample = await handle.sample();
    this.apply({ type: "status", run_status: this.record.run_status, usage: this.usageFrom(sample, now) });
    const started = this.record.started_at ?? now;
    const limit = exceededLimit({
      elapsed: (now - started) / 1000,
      memory: sample.memory,
      disk: this.diskBytes,
      requirements: this.record.run.requirements,
      checkMemory: !this.ctx.runtime.enforcesMemory,
    });
    if (limit !== null && this.record.limit_message === null && this.record.stage === "running") {
      this.ctx.log.info(`run ${shortUuid(this.uuid)}: ${limit} Killing it.`);
      this.apply({ type: "limit_exceeded", at: now, message: limit });
      await handle.kill();
    }
    if (now - this.lastUpdateSent >= this.ctx.updateIntervalMs) this.sendUpdate(now);
  }

  private usageFrom(sample: RunSample, now: number): Partial<RunRecord["usage"]> {
    const usage: Partial<RunRecord["usage"]> = {};
    const previous = this.record.usage;
    if (sample.memory !== undefined) {
      usage.memory = sample.memory;
      usage.memory_max = Math.max(previous.memory_max ?? 0, sample.memory, sample.memory_max ?? 0);
      const limit = this.record.run.requirements.memory;
      if (limit > 0) usage.memory_usage = Math.round((sample.memory / limit) * 1000) / 1000;
    } else if (sample.memory_max !== undefined) {
      usage.memory_max = Math.max(previous.memory_max ?? 0, sample.memory_max);
    }
    if (sample.time_user !== undefined) usage.time_user = Math.round(sample.time_user * 1000) / 1000;
    if (sample.time_system !== undefined) usage.time_system = Math.round(sample.time_system * 1000) / 1000;
    if (sample.cpu_total !== undefined) {
      const mark = this.cpuMark;
      if (mark !== null && now > mark.at) {
        usage.cpu_usage = Math.max(
          0,
          Math.round(((sample.cpu_total - mark.total) / ((now - mark.at) / 1000)) * 1000) / 1000,
        );
      }
      this.cpuMark = { at: now, total: sample.cpu_total };
    }
    if (this.diskBytes !== undefined) usage.disk_bytes = this.diskBytes;
    return usage;
  }

  /** Measures the run directory in the background, at most 10% of the time (CodaLab's duty cycle). */
  private async watchDisk(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const started = Date.now();
      try {
        this.diskBytes = await measureRunDir(this.runDir, this.hidden);
      } catch (error) {
        this.ctx.log.debug(`run ${shortUuid(this.uuid)}: measuring its directory failed: ${errorText(error)}`);
      }
      await sleep(nextDiskCheckDelay(Date.now() - started, this.ctx.diskIntervalMs), stop);
    }
  }

  /** After a restart, a running run's dependencies must not be evicted from under its mounts. */
  private async reacquireDependencies(): Promise<void> {
    for (const dependency of this.record.run.dependencies) {
      try {
        this.leases.push(
          await this.ctx.cache.acquire({ parent_uuid: dependency.parent_uuid, parent_path: dependency.parent_path }),
        );
      } catch (error) {
        this.ctx.log.warn(
          `run ${shortUuid(this.uuid)}: dependency ${dependency.child_path} is gone: ${errorText(error)}`,
        );
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // uploading (cleaning up, then uploading results)

  private async cleanUpAndUpload(): Promise<void> {
    const signal = this.stageAbort.signal;
    if (this.record.phase !== "uploading_results") {
      this.status("Cleaning up.", true);
      const handle = this.handle ?? (await this.reattach());
      if (handle !== null) await handle.remove();
      this.handle = null;
      this.releaseLeases();
      await removeMountPoints(this.runDir, this.record.mounts).catch(() => undefined);
      this.apply({ type: "upload_started", at: this.ctx.now() });
    }
    if (this.dropped) return;
    let error: string | null = null;
    if (this.record.has_contents) {
      try {
        const { members } = await walkRunDir(this.runDir, {
          exclude: this.record.run.exclude_patterns,
          hidden: this.hidden,
        });
        this.apply({
          type: "status",
          run_status: "Uploading results.",
          usage: { disk_bytes: membersDataSize(members) },
        });
        await this.ctx.upload({
          uuid: this.uuid,
          root: this.runDir,
          members,
          signal,
          onProgress: (sent, total) =>
            this.status(`Uploading results: ${formatSize(sent)} / ${formatSize(total)} done.`),
        });
      } catch (failure) {
        if (this.dropped) return;
        error = signal.aborted ? "the run was killed during the upload" : errorText(failure);
        this.ctx.log.warn(`run ${shortUuid(this.uuid)}: upload failed: ${error}`);
      }
    }
    this.apply({ type: "upload_finished", at: this.ctx.now(), error });
  }

  // ---------------------------------------------------------------------------------------------
  // finalizing

  private async awaitFinalized(): Promise<void> {
    if (!this.finalizeRequested) {
      await new Promise<void>((resolve) => {
        this.resolveFinalized = resolve;
      });
    }
    this.resolveFinalized = undefined;
    if (this.dropped) return;
    await rm(this.runDir, { recursive: true, force: true }).catch((error: unknown) =>
      this.ctx.log.warn(`run ${shortUuid(this.uuid)}: cannot delete its directory: ${errorText(error)}`),
    );
    this.apply({ type: "finalized", at: this.ctx.now() });
  }
}
