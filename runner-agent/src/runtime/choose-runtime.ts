/**
 * Picks the runtime once, at start-up: Docker when asked for or when its socket answers
 * (DOCKER_HOST or the default socket), else the process runtime. dockerode is loaded only when
 * Docker is tried, so a process-runtime runner starts fast.
 */
import { CodalabError } from "@codalab/core/errors";
import type { AgentConfig } from "../config/agent-config.ts";
import { errorText, type Logger } from "../logger.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import { detectSandbox, ProcessRuntime } from "./process-runtime.ts";

export function dockerSocketDescription(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export type ChosenRuntime = { runtime: ContainerRuntime; notes: string[] };

export async function chooseRuntime(
  config: Pick<AgentConfig, "runtime" | "workerName" | "networkPrefix" | "defaultImage">,
  log: Logger,
): Promise<ChosenRuntime> {
  const notes: string[] = [];
  if (config.runtime !== "process") {
    const socket = dockerSocketDescription();
    try {
      const { default: Docker } = await import("dockerode");
      const docker = new Docker();
      await withTimeout(docker.ping(), 3000, `Docker at ${socket}`);
      const { DockerRuntime } = await import("./docker-runtime.ts");
      const runtime = await DockerRuntime.connect({
        docker,
        workerName: config.workerName,
        networkPrefix: config.networkPrefix,
        log,
      });
      const image = await docker
        .getImage(config.defaultImage)
        .inspect()
        .then(() => true)
        .catch(() => false);
      if (!image)
        notes.push(`default image ${config.defaultImage} is not on this machine; runs using it need a registry`);
      return { runtime, notes };
    } catch (error) {
      if (config.runtime === "docker") {
        throw new CodalabError(
          "UNAVAILABLE",
          `--runtime docker: Docker does not answer at ${socket}: ${errorText(error)}`,
        );
      }
      notes.push(`Docker does not answer at ${socket} (${errorText(error)}); using the process runtime`);
    }
  }
  return { runtime: new ProcessRuntime({ sandbox: detectSandbox(), log }), notes };
}
