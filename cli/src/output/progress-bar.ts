/**
 * The transfer progress line of `cl upload` / `cl download` on a terminal: bytes done and total,
 * a bar, speed and time left. Redrawn at most every `intervalMs` so a fast transfer does not spend
 * its time writing to the terminal.
 */
import { formatDuration } from "@codalab/core/format/duration";
import { formatSize } from "@codalab/core/format/size";

export type ProgressSnapshot = {
  label: string;
  done: number;
  /** Null when the size is unknown (a download without Content-Length). */
  total: number | null;
  elapsedMs: number;
  /** Bytes moved during `elapsedMs`, for the speed (default `done`; less after a resume). */
  moved?: number;
};

const BAR_WIDTH = 24;

export function renderProgress(snapshot: ProgressSnapshot): string {
  const { label, done, total, elapsedMs } = snapshot;
  const seconds = elapsedMs / 1000;
  const speed = seconds > 0 ? (snapshot.moved ?? done) / seconds : 0;
  const parts = [label];
  if (total !== null && total > 0) {
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    parts.push(`${formatSize(done)}/${formatSize(total)}`);
    parts.push(`[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`);
    parts.push(`${Math.floor(fraction * 100)}%`);
  } else {
    parts.push(formatSize(done));
  }
  if (seconds >= 0.5) parts.push(`${formatSize(Math.round(speed))}/s`);
  if (total !== null && speed > 0 && done < total)
    parts.push(`ETA ${formatDuration(Math.ceil((total - done) / speed))}`);
  return parts.join("  ");
}

export type ProgressBarOptions = {
  label: string;
  total: number | null;
  /** Draws the line (`Output.status`); undefined (not a terminal) turns the bar into a counter only. */
  status: ((text: string) => void) | undefined;
  /** Bytes already there when the transfer starts (parts uploaded before a resume). */
  initial?: number;
  now?: () => number;
  intervalMs?: number;
};

export class ProgressBar {
  readonly #options: ProgressBarOptions;
  readonly #now: () => number;
  readonly #started: number;
  readonly #initial: number;
  #done: number;
  #lastDraw = Number.NEGATIVE_INFINITY;

  constructor(options: ProgressBarOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
    this.#initial = options.initial ?? 0;
    this.#done = this.#initial;
  }

  get done(): number {
    return this.#done;
  }

  add(bytes: number): void {
    this.#done += bytes;
    const now = this.#now();
    if (now - this.#lastDraw >= (this.#options.intervalMs ?? 100)) {
      this.#lastDraw = now;
      this.#draw(now);
    }
  }

  /** Takes back bytes counted for a part that has to be sent again. */
  remove(bytes: number): void {
    this.#done -= bytes;
  }

  /** Erases the line; the caller prints the result. */
  finish(): void {
    this.#options.status?.("");
  }

  #draw(now: number): void {
    const status = this.#options.status;
    if (!status) return;
    // The speed counts only this run's bytes, not the parts a previous run sent.
    const text = renderProgress({
      label: this.#options.label,
      done: this.#done,
      total: this.#options.total,
      elapsedMs: now - this.#started,
      moved: this.#done - this.#initial,
    });
    status(text);
  }
}
