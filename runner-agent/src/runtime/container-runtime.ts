/**
 * How a run is contained (design §4 "Runtimes"): Docker, or a sandboxed local process where
 * there is no Docker. The runtime is chosen once at start-up, printed in the start-up report and
 * recorded on every run.
 */
import type { Runtime } from "@codalab/core/runs/protocol";
import type { Mount } from "../runs/run-machine.ts";

export type StartSpec = {
  uuid: string;
  /** Absolute path of the run's directory on this machine. */
  runDir: string;
  command: string;
  image: string;
  mounts: readonly Mount[];
  /** Bytes; 0 = no limit. */
  memory: number;
  cpus: number;
  gpus: readonly number[];
  network: boolean;
};

export type ExitStatus = { exitcode: number | null; oomKilled: boolean };

/** A point-in-time reading of a run's resource use; every field optional (not all runtimes know all). */
export type RunSample = {
  /** Bytes in use now. */
  memory?: number;
  /** Peak bytes, when the runtime keeps it. */
  memory_max?: number;
  /** CPU seconds in user and kernel mode, all processes of the run. */
  time_user?: number;
  time_system?: number;
  /** Total CPU seconds, for the cpu_usage fraction. */
  cpu_total?: number;
};

export type RunHandle = {
  /** Persisted in state.json so a restarted runner finds the run again. */
  readonly id: string;
  wait(): Promise<ExitStatus>;
  sample(): Promise<RunSample>;
  /** Stops the run at once (SIGKILL). Safe to call again or after it ended. */
  kill(): Promise<void>;
  /** Frees what the run held (the container). Safe to call again. */
  remove(): Promise<void>;
};

export type ContainerRuntime = {
  readonly kind: Runtime;
  /** One line for the start-up report, e.g. "docker 20.10.24 (API 1.41)". */
  readonly description: string;
  /** Whether a run that asks for the network can have it here. */
  readonly networkAvailable: boolean;
  /** Warnings for the start-up report: what is not enforced, what is missing. */
  readonly notes: readonly string[];
  /** Dependencies appear as read-only bind mounts, or (plain processes) as symlinks. */
  readonly mountStyle: "bind" | "symlink";
  /** Memory is enforced by the runtime itself (so the monitor need not). */
  readonly enforcesMemory: boolean;
  /** Resolves the image to a digest, pulling only if it is not here and a registry answers. */
  prepareImage(image: string, onStatus: (status: string) => void, signal: AbortSignal): Promise<string | null>;
  start(spec: StartSpec): Promise<RunHandle>;
  /** The run started before a restart, or null when it is gone. */
  reattach(id: string, uuid: string): Promise<RunHandle | null>;
  /** Removes containers of this worker that belong to no kept run; returns the run uuids removed. */
  removeOrphans(keep: ReadonlySet<string>): Promise<string[]>;
};
