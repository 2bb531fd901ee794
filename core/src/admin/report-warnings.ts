/** What in a daily report an administrator should act on, in words. Pure: thresholds are here. */
import type { BackupSummary, InstanceStatistics } from "../api/admin.ts";
import { formatDuration } from "../format/duration.ts";
import { formatSize } from "../format/size.ts";

/** D1's maximum database size (paid plan); the free plan allows 500 MB. */
export const D1_DATABASE_LIMIT_BYTES = 10 * 1024 ** 3;
/** Warn when the database passes this fraction of its limit: moving off D1 takes planning. */
export const DATABASE_WARNING_FRACTION = 0.8;
/** A run waiting longer than this points at missing capacity or an unsatisfiable request. */
export const WAITING_WARNING_SECONDS = 86_400;

export function reportWarnings(statistics: InstanceStatistics, backup: BackupSummary | null): string[] {
  const warnings: string[] = [];
  const { database, queue, workers } = statistics;
  if (database.size_bytes >= database.limit_bytes * DATABASE_WARNING_FRACTION) {
    warnings.push(
      `the database holds ${formatSize(database.size_bytes)} of its ${formatSize(database.limit_bytes)} limit: plan to archive or shard (docs/operators/limits.md)`,
    );
  }
  if (queue.waiting > 0 && workers.connected === 0) {
    warnings.push(`${queue.waiting} runs wait and no worker is connected`);
  }
  if (queue.oldest_waiting_seconds !== null && queue.oldest_waiting_seconds >= WAITING_WARNING_SECONDS) {
    warnings.push(
      `a run has waited ${formatDuration(queue.oldest_waiting_seconds)}: see \`cl queue\` for why (staged_status)`,
    );
  }
  if (queue.worker_offline > 0) {
    warnings.push(`${queue.worker_offline} runs are in worker_offline: their workers went away`);
  }
  if (backup !== null && "error" in backup) warnings.push(`the backup failed: ${backup.error}`);
  return warnings;
}
