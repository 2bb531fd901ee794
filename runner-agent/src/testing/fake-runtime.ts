/**
 * Test support: a runtime whose "containers" are scripted. A run writes its `stdout`, then exits
 * after `durationMs` with `exitcode` (or 137 when killed); samples report `memory`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContainerRuntime, ExitStatus, RunHandle, RunSample, StartSpec } from "../runtime/container-runtime.ts";

export type FakeBehaviour = {
  stdout?: string;
  /** Files written into the run directory at start (relative paths). */
  files?: Record<string, string>;
  exitcode?: number;
  durationMs?: number;
  memory?: number;
  oomKilled?: boolean;
  /** Throw this from start() (e.g. Docker refusing). */
  startError?: string;
};

export class FakeRuntime implements ContainerRuntime {
  readonly kind = "docker" as const;
  readonly description = "fake";
  readonly networkAvailable = false;
  readonly notes: readonly string[] = [];
  readonly mountStyle = "bind" as const;
  enforcesMemory = true;
  behaviour: (spec: StartSpec) => FakeBehaviour = () => ({ stdout: "hello\n", exitcode: 0, durationMs: 0 });
  imageError: string | null = null;
  /** Preparing the image takes this long (abortable). */
  prepareDelayMs = 0;
  readonly started: StartSpec[] = [];
  readonly handles = new Map<string, FakeHandle>();
  readonly removedOrphans: string[] = [];
  private counter = 0;

  async prepareImage(image: string, _onStatus: (status: string) => void, signal: AbortSignal): Promise<string | null> {
    if (this.prepareDelayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.prepareDelayMs);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    }
    if (this.imageError !== null) throw new Error(this.imageError);
    return `${image}@sha256:fake`;
  }

  async start(spec: StartSpec): Promise<RunHandle> {
    const behaviour = this.behaviour(spec);
    if (behaviour.startError) throw new Error(behaviour.startError);
    this.started.push(spec);
    await writeFile(join(spec.runDir, "stdout"), behaviour.stdout ?? "");
    await writeFile(join(spec.runDir, "stderr"), "");
    for (const [path, text] of Object.entries(behaviour.files ?? {})) await writeFile(join(spec.runDir, path), text);
    // A "command" that reads a dependency: record what it saw.
    for (const mount of spec.mounts) {
      if (mount.type === "file") Reflect.set(spec, `saw:${mount.target}`, await readFile(mount.source, "utf8"));
    }
    const handle = new FakeHandle(`fake-${++this.counter}`, behaviour);
    this.handles.set(handle.id, handle);
    return handle;
  }

  async reattach(id: string): Promise<RunHandle | null> {
    return this.handles.get(id) ?? null;
  }

  async removeOrphans(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const [id, handle] of this.handles) {
      if (!keep.has(id)) {
        await handle.remove();
        this.handles.delete(id);
        removed.push(id);
      }
    }
    this.removedOrphans.push(...removed);
    return removed;
  }
}

export class FakeHandle implements RunHandle {
  readonly id: string;
  killed = false;
  removed = false;
  private readonly behaviour: FakeBehaviour;
  private readonly exit: Promise<ExitStatus>;
  private finish: (status: ExitStatus) => void = () => undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(id: string, behaviour: FakeBehaviour) {
    this.id = id;
    this.behaviour = behaviour;
    this.exit = new Promise((resolve) => {
      this.finish = resolve;
    });
    const duration = behaviour.durationMs ?? 0;
    if (Number.isFinite(duration)) {
      this.timer = setTimeout(
        () => this.finish({ exitcode: behaviour.exitcode ?? 0, oomKilled: behaviour.oomKilled ?? false }),
        duration,
      );
    }
  }

  wait(): Promise<ExitStatus> {
    return this.exit;
  }

  async sample(): Promise<RunSample> {
    return this.behaviour.memory === undefined ? {} : { memory: this.behaviour.memory, cpu_total: 0.5 };
  }

  async kill(): Promise<void> {
    this.killed = true;
    clearTimeout(this.timer);
    this.finish({ exitcode: 137, oomKilled: false });
  }

  async remove(): Promise<void> {
    this.removed = true;
    await this.kill();
  }
}
