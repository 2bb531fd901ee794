/** The start-up report: one line per fact an operator checks first (server, runtime, resources, tag, group). */
import { formatSize } from "@codalab/core/format/size";
import type { Capacity } from "@codalab/core/runs/protocol";
import type { AgentConfig } from "./agent-config.ts";

export type StartupFacts = {
  config: AgentConfig;
  version: string;
  /** The --config file the settings came from, if any. */
  configFile?: string | null;
  identity: string;
  runtime: { kind: string; description: string; networkAvailable: boolean; notes: readonly string[] };
  capacity: Capacity;
  cacheUsedBytes: number;
  heldRuns: readonly { uuid: string; stage: string }[];
};

export function startupReport(facts: StartupFacts): string[] {
  const { config, capacity, runtime } = facts;
  const lines = [
    `cl-runner ${facts.version} starting`,
    `  server:     ${config.server} (${facts.identity})`,
    `  worker:     ${config.workerName} on ${config.hostname}, work dir ${config.workDir}`,
    ...(facts.configFile
      ? [`  config:     ${facts.configFile} (flags and CODALAB_RUNNER_* variables win over it)`]
      : []),
    `  runtime:    ${runtime.kind}: ${runtime.description}`,
    `  network:    ${runtime.networkAvailable ? "given to runs that request it" : "none: runs that request network run without it"}`,
    `  resources:  ${capacity.cpus} CPUs, ${capacity.gpus} GPUs, ${formatSize(capacity.memory_bytes)} memory, ${formatSize(capacity.free_disk_bytes)} free disk`,
    `  dep. cache: ${formatSize(facts.cacheUsedBytes)} used of ${formatSize(config.maxWorkDirSize)}`,
    `  tag:        ${config.tag === null ? "none (untagged runs)" : `${config.tag}${config.tagExclusive ? " (exclusive: only runs asking for it)" : ""}`}`,
    `  group:      ${config.group ?? "none (own runs only)"}`,
  ];
  const limits: string[] = [];
  if (config.maxConcurrentRuns !== null) limits.push(`at most ${config.maxConcurrentRuns} runs at once`);
  if (config.exitAfterNumRuns !== null) limits.push(`exit after ${config.exitAfterNumRuns} runs`);
  if (config.sharedPool) limits.push("shared pool requested (honoured for admins only)");
  if (config.preemptible) limits.push("preemptible");
  if (limits.length > 0) lines.push(`  options:    ${limits.join(", ")}`);
  if (facts.heldRuns.length > 0) {
    lines.push(
      `  held runs:  ${facts.heldRuns.length} (${facts.heldRuns.map((run) => `${run.uuid.slice(0, 10)} ${run.stage}`).join(", ")})`,
    );
  }
  for (const note of runtime.notes) lines.push(`  note:       ${note}`);
  return lines;
}
