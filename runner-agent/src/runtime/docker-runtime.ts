/**
 * The Docker runtime (spec §4.4, design §4): one container per run, working directory
 * `/<uuid>` bind-mounted from the run's directory, dependencies bind-mounted read-only under their
 * keys, `HOME=/<uuid>`, `CODALAB=true`, the entrypoint cleared, the command run by bash (sh when
 * the image has none) with its output in `stdout`/`stderr`, as the uid:gid owning the directory.
 * Containment: no network unless asked, memory = memory+swap limit, CPU quota, pids limit, no new
 * privileges, every capability dropped. Containers carry `codalab.run`/`codalab.worker` labels so
 * a restarted runner finds them again.
 */
import { stat } from "node:fs/promises";
import { CodalabError } from "@codalab/core/errors";
import type Docker from "dockerode";
import { errorText, type Logger } from "../logger.ts";
import type { ContainerRuntime, ExitStatus, RunHandle, RunSample, StartSpec } from "./container-runtime.ts";
import { sampleFromStats } from "./docker-stats.ts";
import { describeImageError } from "./image-errors.ts";

export const RUN_LABEL = "codalab.run";
export const WORKER_LABEL = "codalab.worker";
export const PIDS_LIMIT = 1024;
const PULL_TIMEOUT_MS = 10 * 60 * 1000;

/** The script the shell runs: the user's command on its own lines, so a trailing comment or `&` cannot break it. */
export function runScript(command: string): string {
  return `(\n${command}\n) >stdout 2>stderr`;
}

function statusCode(error: unknown): number | undefined {
  const code = error instanceof Error ? Reflect.get(error, "statusCode") : undefined;
  return typeof code === "number" ? code : undefined;
}

function missingShell(error: unknown): boolean {
  return /executable file not found|no such file or directory/i.test(errorText(error));
}

export type DockerRuntimeOptions = { docker: Docker; workerName: string; networkPrefix: string; log: Logger };

export class DockerRuntime implements ContainerRuntime {
  readonly kind = "docker" as const;
  readonly mountStyle = "bind" as const;
  readonly enforcesMemory = true;
  readonly description: string;
  readonly networkAvailable: boolean;
  readonly notes: readonly string[];
  private readonly docker: Docker;
  private readonly workerName: string;
  private readonly networkName: string | null;
  private readonly log: Logger;
  /** Which shell each image has (by image id), found out on first use. */
  private readonly shells = new Map<string, "bash" | "sh">();

  private constructor(options: DockerRuntimeOptions, description: string, networkName: string | null) {
    this.docker = options.docker;
    this.workerName = options.workerName;
    this.log = options.log;
    this.description = description;
    this.networkName = networkName;
    this.networkAvailable = networkName !== null;
    this.notes =
      networkName === null
        ? ["no Docker bridge network on this machine: runs that request network run without it"]
        : [];
  }

  /** Talks to the daemon once: version, and which network a run asking for one can join. */
  static async connect(options: DockerRuntimeOptions): Promise<DockerRuntime> {
    const version = await options.docker.version();
    const networks = await options.docker.listNetworks();
    const names = new Set(networks.map((network) => network.Name));
    const wanted = `${options.networkPrefix}_ext`;
    let networkName: string | null = null;
    if (names.has(wanted)) networkName = wanted;
    else if (names.has("bridge")) {
      try {
        await options.docker.createNetwork({ Name: wanted, Driver: "bridge", Labels: { [WORKER_LABEL]: "" } });
        networkName = wanted;
      } catch (error) {
        options.log.warn(`cannot create Docker network ${wanted}: ${errorText(error)}; using "bridge"`);
        networkName = "bridge";
      }
    }
    return new DockerRuntime(options, `docker ${version.Version} (API ${version.ApiVersion})`, networkName);
  }

  async prepareImage(image: string, onStatus: (status: string) => void, signal: AbortSignal): Promise<string | null> {
    const local = await this.inspectImage(image);
    if (local !== null) return local;
    onStatus(`Pulling docker image ${image}.`);
    try {
      await this.pull(image, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new CodalabError("NOT_FOUND", describeImageError(image, error));
    }
    const pulled = await this.inspectImage(image);
    if (pulled === null) throw new CodalabError("NOT_FOUND", `image not found locally: ${image}`);
    return pulled;
  }

  private async inspectImage(image: string): Promise<string | null> {
    try {
      const info = await this.docker.getImage(image).inspect();
      return info.RepoDigests?.[0] ?? info.Id;
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw new CodalabError("NOT_FOUND", describeImageError(image, error));
    }
  }

  private pull(image: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`pull timed out after ${PULL_TIMEOUT_MS / 1000}s`)),
        PULL_TIMEOUT_MS,
      );
      const done = (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      this.docker.pull(image, { abortSignal: signal }, (error: unknown, stream: NodeJS.ReadableStream | undefined) => {
        if (error || stream === undefined) {
          done(error ?? new Error("no pull stream"));
          return;
        }
        this.docker.modem.followProgress(stream, (finishError: unknown, output: unknown[]) => {
          const failed = output?.find((event) => typeof event === "object" && event !== null && "error" in event);
          done(finishError ?? (failed ? new Error(String(Reflect.get(failed, "error"))) : null));
        });
      });
    });
  }

  async start(spec: StartSpec): Promise<RunHandle> {
    const owner = await stat(spec.runDir);
    const imageInfo = await this.docker.getImage(spec.image).inspect();
    const imageId = imageInfo.Id;
    const name = `codalab-run-${spec.uuid}`;
    // A container left from before a restart would block the name.
    await this.docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    let shell = this.shells.get(imageId) ?? "bash";
    for (;;) {
      const container = await this.docker
        .createContainer(this.createOptions(spec, name, shell, owner))
        .catch((error: unknown) => {
          throw new CodalabError("BAD_REQUEST", `Docker could not create the run's container: ${errorText(error)}`);
        });
      try {
        await container.start();
        this.shells.set(imageId, shell);
        return new DockerRunHandle(container, this.log);
      } catch (error) {
        await container.remove({ force: true }).catch(() => undefined);
        if (shell === "bash" && missingShell(error)) {
          this.log.info(`image ${spec.image} has no bash; running commands with sh`);
          shell = "sh";
          continue;
        }
        throw new CodalabError("BAD_REQUEST", `Docker could not start the run: ${errorText(error)}`);
      }
    }
  }

  private createOptions(
    spec: StartSpec,
    name: string,
    shell: "bash" | "sh",
    owner: { uid: number; gid: number },
  ): Docker.ContainerCreateOptions {
    const workdir = `/${spec.uuid}`;
    const env = [`HOME=${workdir}`, "CODALAB=true"];
    const host: Docker.HostConfig = {
      Mounts: [
        { Type: "bind", Source: spec.runDir, Target: workdir, ReadOnly: false },
        ...spec.mounts.map((mount) => ({
          Type: "bind" as const,
          Source: mount.source,
          Target: `${workdir}/${mount.target}`,
          ReadOnly: true,
        })),
      ],
      NetworkMode: spec.network && this.networkName !== null ? this.networkName : "none",
      PidsLimit: PIDS_LIMIT,
      SecurityOpt: ["no-new-privileges"],
      CapDrop: ["ALL"],
    };
    if (spec.memory > 0) {
      host.Memory = spec.memory;
      host.MemorySwap = spec.memory;
    }
    if (spec.cpus > 0) host.NanoCpus = Math.round(spec.cpus * 1e9);
    if (spec.gpus.length > 0) {
      host.DeviceRequests = [{ Driver: "nvidia", DeviceIDs: spec.gpus.map(String), Capabilities: [["gpu"]] }];
      env.push(`NVIDIA_VISIBLE_DEVICES=${spec.gpus.join(",")}`);
    }
    return {
      name,
      Image: spec.image,
      Cmd: [shell, "-c", runScript(spec.command)],
      Entrypoint: [""],
      WorkingDir: workdir,
      Env: env,
      User: `${owner.uid}:${owner.gid}`,
      Labels: { [RUN_LABEL]: spec.uuid, [WORKER_LABEL]: this.workerName },
      HostConfig: host,
    };
  }

  async reattach(id: string): Promise<RunHandle | null> {
    const container = this.docker.getContainer(id);
    try {
      await container.inspect();
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw error;
    }
    return new DockerRunHandle(container, this.log);
  }

  async removeOrphans(keep: ReadonlySet<string>): Promise<string[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${WORKER_LABEL}=${this.workerName}`] },
    });
    const removed: string[] = [];
    for (const info of containers) {
      if (keep.has(info.Id)) continue;
      const uuid = info.Labels?.[RUN_LABEL] ?? info.Id;
      await this.docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch((error: unknown) => this.log.warn(`cannot remove container ${info.Id}: ${errorText(error)}`));
      removed.push(uuid);
    }
    return removed;
  }
}

class DockerRunHandle implements RunHandle {
  readonly id: string;
  private readonly container: Docker.Container;
  private readonly log: Logger;

  constructor(container: Docker.Container, log: Logger) {
    this.container = container;
    this.id = container.id;
    this.log = log;
  }

  async wait(): Promise<ExitStatus> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.container.wait();
        break;
      } catch (error) {
        // The daemon restarting breaks the wait; the container may still be there.
        if (statusCode(error) === 404 || attempt >= 30) throw error;
        this.log.warn(`waiting for container ${this.id.slice(0, 12)} failed (${errorText(error)}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    const info = await this.container.inspect();
    return { exitcode: info.State.ExitCode ?? null, oomKilled: info.State.OOMKilled === true };
  }

  async sample(): Promise<RunSample> {
    try {
      return sampleFromStats(await this.container.stats({ stream: false, "one-shot": true }));
    } catch {
      return {};
    }
  }

  async kill(): Promise<void> {
    await this.container.kill({ signal: "SIGKILL" }).catch((error: unknown) => {
      const code = statusCode(error);
      if (code !== 404 && code !== 409) this.log.warn(`killing container ${this.id.slice(0, 12)}: ${errorText(error)}`);
    });
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true }).catch((error: unknown) => {
      if (statusCode(error) !== 404) this.log.warn(`removing container ${this.id.slice(0, 12)}: ${errorText(error)}`);
    });
  }
}
