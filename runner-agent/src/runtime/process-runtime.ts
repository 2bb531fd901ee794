/**
 * The runtime for machines without Docker (design §4): the command runs as a local process,
 * sandboxed by bubblewrap when it is installed (its own pid, ipc, uts and — unless the run asks —
 * network namespaces; a read-only view of the system's /usr, /bin, /lib and /etc; the run's
 * directory at `/<uuid>`; dependencies bound read-only; every capability dropped; killed with the
 * runner). Without bubblewrap it is a plain child process, which contains nothing, and the
 * start-up report says so loudly. There are no cgroups: time and disk are enforced by the monitor
 * as with Docker, memory by sampling the process tree's resident size.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { lstat, readlink } from "node:fs/promises";
import type { Logger } from "../logger.ts";
import type { ContainerRuntime, ExitStatus, RunHandle, RunSample, StartSpec } from "./container-runtime.ts";
import { runScript } from "./docker-runtime.ts";
import { processTree, readProcStat, sampleTree } from "./proc-tree.ts";

const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Host directories a sandboxed command sees (read-only); /home, /root, /var and the work dir stay hidden. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];

export type Sandbox = { kind: "bubblewrap"; path: string; version: string } | { kind: "none" };

export function detectSandbox(): Sandbox {
  const version = spawnSync("bwrap", ["--version"], { encoding: "utf8" });
  if (version.status !== 0) return { kind: "none" };
  // bwrap may be installed but unusable (no user namespaces for an unprivileged user).
  const probe = spawnSync("bwrap", ["--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent", "true"], {
    encoding: "utf8",
  });
  if (probe.status !== 0) return { kind: "none" };
  return { kind: "bubblewrap", path: "bwrap", version: version.stdout.trim() };
}

function hasBash(): boolean {
  return spawnSync("bash", ["-c", "true"]).status === 0;
}

async function systemBinds(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = await lstat(dir).catch(() => null);
    if (info === null) continue;
    if (info.isSymbolicLink()) args.push("--symlink", await readlink(dir), dir);
    else if (info.isDirectory()) args.push("--ro-bind", dir, dir);
  }
  return args;
}

export function bubblewrapArgs(spec: StartSpec, shell: string, binds: readonly string[]): string[] {
  const workdir = `/${spec.uuid}`;
  const args = [
    "--die-with-parent",
    "--new-session",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--cap-drop",
    "ALL",
  ];
  if (!spec.network) args.push("--unshare-net");
  args.push(...binds, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  args.push("--bind", spec.runDir, workdir);
  for (const mount of spec.mounts) args.push("--ro-bind", mount.source, `${workdir}/${mount.target}`);
  args.push("--chdir", workdir, "--clearenv", "--setenv", "HOME", workdir, "--setenv", "CODALAB", "true");
  args.push("--setenv", "PATH", SYSTEM_PATH);
  if (spec.gpus.length > 0) args.push("--setenv", "CUDA_VISIBLE_DEVICES", spec.gpus.join(","));
  args.push("--", shell, "-c", runScript(spec.command));
  return args;
}

export class ProcessRuntime implements ContainerRuntime {
  readonly kind = "process" as const;
  readonly enforcesMemory = false;
  readonly networkAvailable = true;
  readonly description: string;
  readonly notes: readonly string[];
  readonly mountStyle: "bind" | "symlink";
  private readonly sandbox: Sandbox;
  private readonly shell: string;
  private readonly log: Logger;

  constructor(options: { sandbox: Sandbox; log: Logger }) {
    this.sandbox = options.sandbox;
    this.log = options.log;
    this.shell = hasBash() ? "bash" : "sh";
    this.mountStyle = options.sandbox.kind === "bubblewrap" ? "bind" : "symlink";
    const common = [
      "images are ignored: commands run on this machine's own system",
      "memory is sampled every few seconds (resident size of the process tree), not capped by the kernel",
      "no CPU or pids limits (no cgroups)",
    ];
    if (options.sandbox.kind === "bubblewrap") {
      this.description = `process, sandboxed by ${options.sandbox.version}`;
      this.notes = common;
    } else {
      this.description = "process, NOT sandboxed (install bubblewrap or Docker)";
      this.notes = [
        "WARNING: runs are plain child processes: they can read and write anything this user can (including the runner's credentials and the dependency cache), use the network, and escape by forking a new session",
        ...common,
      ];
    }
  }

  async prepareImage(): Promise<string | null> {
    return null;
  }

  async start(spec: StartSpec): Promise<RunHandle> {
    let child: ChildProcess;
    if (this.sandbox.kind === "bubblewrap") {
      const args = bubblewrapArgs(spec, this.shell, await systemBinds());
      child = spawn(this.sandbox.path, args, { detached: true, stdio: "ignore", env: { PATH: SYSTEM_PATH } });
    } else {
      const env: Record<string, string> = { HOME: spec.runDir, CODALAB: "true", PATH: SYSTEM_PATH };
      if (spec.gpus.length > 0) env.CUDA_VISIBLE_DEVICES = spec.gpus.join(",");
      child = spawn(this.shell, ["-c", runScript(spec.command)], {
        cwd: spec.runDir,
        detached: true,
        stdio: "ignore",
        env,
      });
    }
    const exited = new Promise<ExitStatus>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        resolve({ exitcode: code ?? signalExitCode(signal), oomKilled: false });
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", reject);
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error("the process did not start");
    const stat = await readProcStat(pid);
    return new ProcessRunHandle(pid, stat?.starttime ?? 0, exited, this.log);
  }

  /** A process cannot be re-attached after a restart; a survivor is killed so it does not run unwatched. */
  async reattach(id: string): Promise<RunHandle | null> {
    const match = /^pid:(\d+):(\d+)$/.exec(id);
    if (match) {
      const pid = Number(match[1]);
      const stat = await readProcStat(pid);
      if (stat !== null && String(stat.starttime) === match[2]) {
        this.log.warn(`killing process group ${pid} left from before the restart`);
        killGroup(pid);
      }
    }
    return null;
  }

  async removeOrphans(): Promise<string[]> {
    return [];
  }
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15,
};

function signalExitCode(signal: NodeJS.Signals | null): number | null {
  if (signal === null) return null;
  return 128 + (SIGNALS[signal] ?? 0);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

class ProcessRunHandle implements RunHandle {
  readonly id: string;
  private readonly pid: number;
  private readonly exited: Promise<ExitStatus>;
  private done = false;
  private readonly log: Logger;

  constructor(pid: number, starttime: number, exited: Promise<ExitStatus>, log: Logger) {
    this.pid = pid;
    this.id = `pid:${pid}:${starttime}`;
    this.log = log;
    this.exited = exited.finally(() => {
      this.done = true;
    });
  }

  wait(): Promise<ExitStatus> {
    return this.exited;
  }

  async sample(): Promise<RunSample> {
    if (this.done) return {};
    return sampleTree(await processTree(this.pid));
  }

  async kill(): Promise<void> {
    if (this.done) return;
    this.log.debug(`killing process group ${this.pid}`);
    killGroup(this.pid);
  }

  async remove(): Promise<void> {
    await this.kill();
  }
}
