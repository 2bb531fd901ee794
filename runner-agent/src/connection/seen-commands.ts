/**
 * The server re-sends unacknowledged commands after a reconnect (at-least-once), so the runner
 * remembers the sequence numbers it has carried out. Numbers belong to one server-side session:
 * a different `worker_id` in `welcome` starts a fresh record.
 */
export const MAX_REMEMBERED_SEQS = 2000;

export type SeenCommandsState = { worker_id: string | null; seqs: number[] };

export class SeenCommands {
  private workerId: string | null;
  private readonly seqs: Set<number>;

  constructor(state: SeenCommandsState = { worker_id: null, seqs: [] }) {
    this.workerId = state.worker_id;
    this.seqs = new Set(state.seqs);
  }

  /** Replaces what is remembered (state reloaded after a restart). */
  restore(state: SeenCommandsState): void {
    this.workerId = state.worker_id;
    this.seqs.clear();
    for (const seq of state.seqs) this.add(seq);
  }

  /** Called on each welcome; true when the session changed and the record was cleared. */
  session(workerId: string): boolean {
    if (this.workerId === workerId) return false;
    const changed = this.workerId !== null;
    this.workerId = workerId;
    this.seqs.clear();
    return changed;
  }

  has(seq: number): boolean {
    return this.seqs.has(seq);
  }

  add(seq: number): void {
    this.seqs.add(seq);
    if (this.seqs.size > MAX_REMEMBERED_SEQS) {
      // Sets iterate in insertion order: the oldest go first.
      for (const old of this.seqs) {
        this.seqs.delete(old);
        if (this.seqs.size <= MAX_REMEMBERED_SEQS) break;
      }
    }
  }

  toJSON(): SeenCommandsState {
    return { worker_id: this.workerId, seqs: [...this.seqs] };
  }
}
