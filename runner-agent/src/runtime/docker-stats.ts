/**
 * Reads the parts of `docker stats` the runner reports (spec §3.4: memory and CPU from docker
 * stats, user/system time from the cgroup counters it carries). Parsed leniently with zod: fields
 * differ between cgroup v1 and v2 and across daemon versions.
 */
import { z } from "zod";
import type { RunSample } from "./container-runtime.ts";

const Num = z.number().nonnegative().optional().catch(undefined);

const StatsSchema = z.object({
  memory_stats: z
    .object({
      usage: Num,
      max_usage: Num,
      limit: Num,
      stats: z
        .object({
          cache: Num,
          total_inactive_file: Num,
          inactive_file: Num,
        })
        .partial()
        .optional()
        .catch(undefined),
    })
    .partial()
    .optional()
    .catch(undefined),
  cpu_stats: z
    .object({
      cpu_usage: z
        .object({ total_usage: Num, usage_in_usermode: Num, usage_in_kernelmode: Num })
        .partial()
        .optional()
        .catch(undefined),
    })
    .partial()
    .optional()
    .catch(undefined),
});

const NANOS = 1e9;

/** Memory as `docker stats` shows it: usage minus the page cache the kernel can drop. */
export function sampleFromStats(raw: unknown): RunSample {
  const parsed = StatsSchema.safeParse(raw);
  if (!parsed.success) return {};
  const { memory_stats: memory, cpu_stats: cpu } = parsed.data;
  const sample: RunSample = {};
  if (memory?.usage !== undefined) {
    const inactive = memory.stats?.total_inactive_file ?? memory.stats?.inactive_file ?? memory.stats?.cache ?? 0;
    sample.memory = Math.max(0, memory.usage - Math.min(inactive, memory.usage));
  }
  if (memory?.max_usage !== undefined && memory.max_usage > 0) sample.memory_max = memory.max_usage;
  const usage = cpu?.cpu_usage;
  if (usage?.usage_in_usermode !== undefined) sample.time_user = usage.usage_in_usermode / NANOS;
  if (usage?.usage_in_kernelmode !== undefined) sample.time_system = usage.usage_in_kernelmode / NANOS;
  if (usage?.total_usage !== undefined) sample.cpu_total = usage.total_usage / NANOS;
  return sample;
}
