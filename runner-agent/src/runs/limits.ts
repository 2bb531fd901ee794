/**
 * Which resource limit a running run has gone over, if any (spec §3.4 RUNNING): wall time,
 * memory, and the size of its directory. A limit of 0 means none. Docker enforces memory itself
 * (the kernel's OOM killer); the process runtime has no cgroup and relies on this check.
 */
import { DISK_LIMIT_MESSAGE, MEMORY_LIMIT_MESSAGE, TIME_LIMIT_MESSAGE } from "./run-machine.ts";

export type LimitInput = {
  /** Seconds since the command started. */
  elapsed: number;
  /** Bytes in use now, when known. */
  memory?: number;
  /** Bytes in the run directory at the last measurement, when known. */
  disk?: number;
  requirements: { time: number; memory: number; disk: number };
  /** False when the runtime's own mechanism enforces memory (Docker). */
  checkMemory: boolean;
};

export function exceededLimit(input: LimitInput): string | null {
  const { requirements } = input;
  if (requirements.time > 0 && input.elapsed > requirements.time) return TIME_LIMIT_MESSAGE;
  if (
    input.checkMemory &&
    requirements.memory > 0 &&
    input.memory !== undefined &&
    input.memory > requirements.memory
  ) {
    return MEMORY_LIMIT_MESSAGE;
  }
  if (requirements.disk > 0 && input.disk !== undefined && input.disk > requirements.disk) return DISK_LIMIT_MESSAGE;
  return null;
}

/**
 * The container died of its memory limit: the kernel says so, or (CodaLab's rule) it exited
 * with 137 (SIGKILL) that we did not send while its peak use was at the limit.
 */
export function diedOfMemory(exit: {
  exitcode: number | null;
  oomKilled: boolean;
  killedByUs: boolean;
  memoryMax?: number;
  memoryLimit: number;
}): boolean {
  if (exit.oomKilled) return true;
  if (exit.killedByUs || exit.exitcode !== 137 || exit.memoryLimit <= 0) return false;
  return exit.memoryMax !== undefined && exit.memoryMax >= exit.memoryLimit * 0.95;
}

/**
 * How long to wait before measuring the directory again: CodaLab keeps the disk walk under 10%
 * of the time (`duration * 9` between walks) and never more often than every `minimumMs`.
 */
export function nextDiskCheckDelay(lastWalkMs: number, minimumMs = 1000): number {
  return Math.max(minimumMs, lastWalkMs * 9);
}
