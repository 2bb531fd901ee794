/** `cl report`: a daily report as a few lines an administrator reads at a glance. */
import type { DailyReport } from "@codalab/core/api/admin";
import { formatDate } from "@codalab/core/format/date";
import { formatDuration } from "@codalab/core/format/duration";
import { formatSize } from "@codalab/core/format/size";

/** `ready 10, failed 2` by decreasing count. */
function counts(byKey: Readonly<Record<string, number>>): string {
  return Object.entries(byKey)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([key, count]) => `${key} ${count}`)
    .join(", ");
}

export function reportLines(report: DailyReport): string[] {
  const { bundles, users, workers, queue, database } = report.statistics;
  const percent = database.limit_bytes > 0 ? ((100 * database.size_bytes) / database.limit_bytes).toFixed(1) : "?";
  const lines = [
    `Daily report ${report.day} (made ${formatDate(report.generated_at)} UTC)`,
    `  bundles:   ${bundles.total}${bundles.total > 0 ? ` (${counts(bundles.by_state)})` : ""}, ${bundles.created_last_day} new in the last day, ${formatSize(bundles.data_size_bytes)} of contents`,
    `  users:     ${users.total} (${users.active} active), ${users.joined_last_day} joined and ${users.logged_in_last_day} logged in in the last day, ${users.logged_in_last_30_days} in the last 30 days`,
    `  workers:   ${workers.connected} connected of ${workers.registered}, offering ${workers.cpus} CPUs, ${workers.gpus} GPUs, ${formatSize(workers.memory_bytes)} memory`,
    `  queue:     ${queue.waiting} waiting${queue.oldest_waiting_seconds === null ? "" : ` (oldest ${formatDuration(queue.oldest_waiting_seconds)})`}, ${queue.active} running, ${queue.worker_offline} worker_offline`,
    `  database:  ${formatSize(database.size_bytes)} of ${formatSize(database.limit_bytes)} (${percent}%)`,
  ];
  const backup = report.backup;
  if (backup === null) lines.push("  backup:    none with this report");
  else if ("error" in backup) lines.push(`  backup:    FAILED: ${backup.error}`);
  else {
    const deleted = backup.deleted.length > 0 ? `; ${backup.deleted.length} older deleted` : "";
    lines.push(
      `  backup:    ${backup.key}, ${formatSize(backup.bytes)}, ${backup.tables} tables, ${backup.rows} rows, ${formatDuration(backup.seconds)}${deleted}`,
    );
  }
  if (report.warnings.length === 0) lines.push("  warnings:  none");
  else lines.push(`  warnings:  ${report.warnings.length}`, ...report.warnings.map((warning) => `    ! ${warning}`));
  return lines;
}
