/**
 * A daily report (`cl report`, cli/src/admin/report-lines.ts) as the rows of the web's report
 * page: one line per part of the instance, in the page's units.
 */
import type { DailyReport } from "@codalab/core/api/admin";
import { formatDuration } from "../format/format-duration.ts";
import { formatSize } from "../format/format-size.ts";

export type ReportRow = { label: string; value: string };

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** `ready 10, failed 2`, largest first. */
function counts(byKey: Readonly<Record<string, number>>): string {
  return Object.entries(byKey)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([key, count]) => `${key} ${count}`)
    .join(", ");
}

export function reportRows(report: DailyReport): ReportRow[] {
  const { bundles, users, workers, queue, database } = report.statistics;
  const percent =
    database.limit_bytes > 0 ? `${((100 * database.size_bytes) / database.limit_bytes).toFixed(1)}%` : "?";
  return [
    {
      label: "Bundles",
      value: `${bundles.total}${bundles.total > 0 ? ` (${counts(bundles.by_state)})` : ""} · ${bundles.created_last_day} new in the last day · ${formatSize(bundles.data_size_bytes)} of contents`,
    },
    {
      label: "Users",
      value: `${users.total} (${users.active} active) · ${users.joined_last_day} joined and ${users.logged_in_last_day} signed in in the last day · ${users.logged_in_last_30_days} in the last 30 days`,
    },
    {
      label: "Workers",
      value: `${workers.connected} connected of ${workers.registered} · offering ${plural(workers.cpus, "CPU")}, ${plural(workers.gpus, "GPU")}, ${formatSize(workers.memory_bytes)} memory`,
    },
    {
      label: "Queue",
      value: `${queue.waiting} waiting${queue.oldest_waiting_seconds === null ? "" : ` (oldest ${formatDuration(queue.oldest_waiting_seconds)})`} · ${queue.active} running · ${queue.worker_offline} with their worker offline`,
    },
    {
      label: "Database",
      value: `${formatSize(database.size_bytes)} of ${formatSize(database.limit_bytes)} (${percent})`,
    },
    { label: "Backup", value: backupText(report.backup) },
  ];
}

function backupText(backup: DailyReport["backup"]): string {
  if (backup === null) return "None with this report";
  if ("error" in backup) return `Failed: ${backup.error}`;
  const deleted = backup.deleted.length > 0 ? ` · ${backup.deleted.length} older deleted` : "";
  return `${backup.key} · ${formatSize(backup.bytes)} · ${plural(backup.tables, "table")}, ${plural(backup.rows, "row")} · took ${formatDuration(backup.seconds)}${deleted}`;
}

/** The day picker's label: "2026-01-31", with how many warnings it has. */
export function dayLabel(day: Pick<DailyReport, "day" | "warnings">): string {
  return day.warnings.length === 0 ? day.day : `${day.day} (${plural(day.warnings.length, "warning")})`;
}
