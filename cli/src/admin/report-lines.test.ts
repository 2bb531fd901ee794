import type { DailyReport } from "@codalab/core/api/admin";
import { describe, expect, it } from "vitest";
import { queueRows } from "./queue-table.ts";
import { reportLines } from "./report-lines.ts";

const report: DailyReport = {
  day: "2026-11-27",
  generated_at: Date.parse("2026-11-27T03:17:04Z") / 1000,
  statistics: {
    bundles: {
      total: 12,
      by_state: { ready: 9, failed: 2, staged: 1 },
      by_type: { dataset: 4, run: 8 },
      created_last_day: 3,
      data_size_bytes: 5 * 1024 ** 3,
    },
    users: { total: 5, active: 4, joined_last_day: 1, logged_in_last_day: 2, logged_in_last_30_days: 4 },
    workers: { registered: 3, connected: 2, cpus: 24, gpus: 2, memory_bytes: 96 * 1024 ** 3 },
    queue: { waiting: 1, active: 2, worker_offline: 0, oldest_waiting_seconds: 7200 },
    database: { size_bytes: 512 * 1024 ** 2, limit_bytes: 10 * 1024 ** 3 },
  },
  backup: {
    key: "backups/d1/2026-11-27.sql.gz",
    bytes: 3 * 1024 ** 2,
    tables: 14,
    rows: 5321,
    seconds: 4.2,
    deleted: ["backups/d1/2026-10-28.sql.gz"],
  },
  warnings: [],
};

describe("reportLines", () => {
  it("sums a report up in one line per subject", () => {
    expect(reportLines(report)).toEqual([
      "Daily report 2026-11-27 (made 2026-11-27 03:17:04 UTC)",
      "  bundles:   12 (ready 9, failed 2, staged 1), 3 new in the last day, 5g of contents",
      "  users:     5 (4 active), 1 joined and 2 logged in in the last day, 4 in the last 30 days",
      "  workers:   2 connected of 3, offering 24 CPUs, 2 GPUs, 96g memory",
      "  queue:     1 waiting (oldest 2h), 2 running, 0 worker_offline",
      "  database:  512m of 10g (5.0%)",
      "  backup:    backups/d1/2026-11-27.sql.gz, 3m, 14 tables, 5321 rows, 4.2s; 1 older deleted",
      "  warnings:  none",
    ]);
  });

  it("puts a failed backup and every warning where they are seen", () => {
    const lines = reportLines({
      ...report,
      backup: { error: "R2 refused the upload" },
      warnings: ["the backup failed: R2 refused the upload", "1 runs wait and no worker is connected"],
    });
    expect(lines.slice(-4)).toEqual([
      "  backup:    FAILED: R2 refused the upload",
      "  warnings:  2",
      "    ! the backup failed: R2 refused the upload",
      "    ! 1 runs wait and no worker is connected",
    ]);
  });
});

describe("queueRows", () => {
  it("shows ages, requests and the reason a run waits", () => {
    const rows = queueRows(
      [
        {
          uuid: `0x${"a".repeat(32)}`,
          name: "train",
          bundle_type: "run",
          state: "staged",
          owner_name: "alice",
          created: 1000,
          staged_status: "No worker has the tag gpu.",
          request_queue: "gpu",
          request_cpus: 4,
          request_gpus: 1,
          request_memory: 2 * 1024 ** 3,
          request_priority: null,
          worker_id: null,
          worker_name: null,
        },
      ],
      1000 + 90,
    );
    expect(rows).toEqual([
      {
        uuid: "0xaaaaaaaa",
        name: "train",
        owner: "alice",
        state: "staged",
        age: "1m30s",
        queue: "gpu",
        cpus: "4",
        gpus: "1",
        memory: "2g",
        why: "No worker has the tag gpu.",
        worker: "",
      },
    ]);
  });
});
