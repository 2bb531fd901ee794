import type { DailyReport } from "@codalab/core/api/admin";
import { describe, expect, it } from "vitest";
import { dayLabel, reportRows } from "./report-view.ts";

const GiB = 1024 ** 3;

const report: DailyReport = {
  day: "2026-01-31",
  generated_at: 1_769_817_600,
  statistics: {
    bundles: {
      total: 12,
      by_state: { failed: 2, ready: 10 },
      by_type: { run: 4, dataset: 8 },
      created_last_day: 3,
      data_size_bytes: 3 * GiB,
    },
    users: { total: 5, active: 4, joined_last_day: 1, logged_in_last_day: 2, logged_in_last_30_days: 4 },
    workers: { registered: 3, connected: 2, cpus: 16, gpus: 1, memory_bytes: 64 * GiB },
    queue: { waiting: 4, active: 1, worker_offline: 0, oldest_waiting_seconds: 7380 },
    database: { size_bytes: 512 * 1024 ** 2, limit_bytes: 10 * GiB },
  },
  backup: {
    key: "backups/d1/2026-01-31.sql.gz",
    bytes: 2 * 1024 ** 2,
    tables: 20,
    rows: 1,
    seconds: 3,
    deleted: ["x"],
  },
  warnings: [],
};

describe("the report page's rows", () => {
  it("says what the instance holds, in the page's units", () => {
    expect(reportRows(report)).toEqual([
      { label: "Bundles", value: "12 (ready 10, failed 2) · 3 new in the last day · 3 GiB of contents" },
      {
        label: "Users",
        value: "5 (4 active) · 1 joined and 2 signed in in the last day · 4 in the last 30 days",
      },
      { label: "Workers", value: "2 connected of 3 · offering 16 CPUs, 1 GPU, 64 GiB memory" },
      { label: "Queue", value: "4 waiting (oldest 2h 3m) · 1 running · 0 with their worker offline" },
      { label: "Database", value: "512 MiB of 10 GiB (5.0%)" },
      {
        label: "Backup",
        value: "backups/d1/2026-01-31.sql.gz · 2 MiB · 20 tables, 1 row · took 3s · 1 older deleted",
      },
    ]);
  });

  it("says when there was no backup or it failed, and an empty instance", () => {
    const empty = { ...report.statistics.bundles, total: 0, by_state: {} };
    const rows = reportRows({ ...report, statistics: { ...report.statistics, bundles: empty }, backup: null });
    expect(rows[0]?.value).toBe("0 · 3 new in the last day · 3 GiB of contents");
    expect(rows.at(-1)?.value).toBe("None with this report");
    expect(reportRows({ ...report, backup: { error: "R2 refused" } }).at(-1)?.value).toBe("Failed: R2 refused");
  });

  it("labels days with their warnings", () => {
    expect(dayLabel({ day: "2026-01-31", warnings: [] })).toBe("2026-01-31");
    expect(dayLabel({ day: "2026-01-30", warnings: ["disk", "queue"] })).toBe("2026-01-30 (2 warnings)");
  });
});
