/** What this worker offers (hello `capacity`): flags where given, else the machine's own numbers. */
import { statfs } from "node:fs/promises";
import { availableParallelism, totalmem } from "node:os";
import type { Capacity } from "@codalab/core/runs/protocol";
import type { AgentConfig } from "./config/agent-config.ts";

export async function freeDiskBytes(path: string): Promise<number> {
  try {
    const info = await statfs(path);
    return Math.max(0, Math.floor(info.bavail * info.bsize));
  } catch {
    return 0;
  }
}

export async function measureCapacity(
  config: Pick<AgentConfig, "cpus" | "gpus" | "maxMemory" | "workDir">,
): Promise<Capacity> {
  return {
    cpus: config.cpus ?? availableParallelism(),
    gpus: config.gpus,
    memory_bytes: config.maxMemory ?? totalmem(),
    free_disk_bytes: await freeDiskBytes(config.workDir),
  };
}
