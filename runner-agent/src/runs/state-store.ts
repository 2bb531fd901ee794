/**
 * The runner's memory across restarts (CodaLab's worker-state.json): every held run's record,
 * the command numbers already carried out, and how many runs it has taken. Written atomically
 * after every transition; writes are coalesced, so a burst of changes costs one or two writes.
 * An unreadable file is kept aside, never silently overwritten.
 */
import { readFile, rename } from "node:fs/promises";
import { z } from "zod";
import { writeFileAtomic } from "../files/atomic-write.ts";
import { errorText, type Logger } from "../logger.ts";
import { RunRecordSchema } from "./run-machine.ts";

export const AgentStateSchema = z.object({
  version: z.literal(1),
  worker_name: z.string(),
  seen: z.object({ worker_id: z.string().nullable(), seqs: z.array(z.number().int().nonnegative()) }),
  runs_taken: z.number().int().nonnegative(),
  runs: z.array(RunRecordSchema),
});
export type AgentState = z.infer<typeof AgentStateSchema>;

export function emptyState(workerName: string): AgentState {
  return { version: 1, worker_name: workerName, seen: { worker_id: null, seqs: [] }, runs_taken: 0, runs: [] };
}

export class StateStore {
  private readonly path: string;
  private readonly log: Logger;
  private writing: Promise<void> | null = null;
  private again = false;
  private snapshot: (() => AgentState) | null = null;

  constructor(path: string, log: Logger) {
    this.path = path;
    this.log = log;
  }

  async load(workerName: string): Promise<AgentState> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch {
      return emptyState(workerName);
    }
    let parsed: ReturnType<typeof AgentStateSchema.safeParse>;
    try {
      parsed = AgentStateSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = AgentStateSchema.safeParse(null);
    }
    if (!parsed.success) {
      const aside = `${this.path}.unreadable-${Date.now()}`;
      await rename(this.path, aside).catch(() => undefined);
      this.log.error(`cannot read ${this.path} (kept as ${aside}); starting without held runs`);
      return emptyState(workerName);
    }
    if (parsed.data.worker_name !== workerName) {
      this.log.warn(
        `${this.path} belongs to worker ${parsed.data.worker_name}, not ${workerName}; its runs are still reported`,
      );
    }
    return { ...parsed.data, worker_name: workerName };
  }

  /** Schedules a write of `snapshot()` (taken when the write starts, so it is always the latest). */
  save(snapshot: () => AgentState): Promise<void> {
    this.snapshot = snapshot;
    if (this.writing !== null) {
      this.again = true;
      return this.writing;
    }
    this.writing = this.flush();
    return this.writing;
  }

  private async flush(): Promise<void> {
    try {
      do {
        this.again = false;
        const snapshot = this.snapshot;
        if (snapshot === null) break;
        try {
          await writeFileAtomic(this.path, `${JSON.stringify(snapshot())}\n`);
        } catch (error) {
          this.log.error(`cannot save ${this.path}: ${errorText(error)}`);
        }
      } while (this.again);
    } finally {
      this.writing = null;
    }
  }

  /** Resolves when nothing is left to write. */
  async idle(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }
}
