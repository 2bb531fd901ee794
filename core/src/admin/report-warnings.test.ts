import { describe, expect, it } from "vitest";
import type { InstanceStatistics } from "../api/admin.ts";
import { D1_DATABASE_LIMIT_BYTES, reportWarnings } from "./report-warnings.ts";

function statistics(overrides: Partial<{ [K in keyof InstanceStatistics]: Partial<InstanceStatistics[K]> }> = {}) {
  const base: InstanceStatistics = {
    bundles: { total: 0, by_state: {}, by_type: {}, created_last_day: 0, data_size_bytes: 0 },
    users: { total: 1, active: 1, joined_last_day: 0, logged_in_last_day: 0, logged_in_last_30_days: 0 },
    workers: { registered: 1, connected: 1, cpus: 4, gpus: 0, memory_bytes: 2 ** 33 },
    queue: { waiting: 0, active: 0, worker_offline: 0, oldest_waiting_seconds: null },
    database: { size_bytes: 2 ** 20, limit_bytes: D1_DATABASE_LIMIT_BYTES },
  };
  return {
    bundles: { ...base.bundles, ...overrides.bundles },
    users: { ...base.users, ...overrides.users },
    workers: { ...base.workers, ...overrides.workers },
    queue: { ...base.queue, ...overrides.queue },
    database: { ...base.database, ...overrides.database },
  };
}

describe("reportWarnings", () => {
  it("has nothing to say about a healthy instance", () => {
    expect(reportWarnings(statistics(), { key: "k", bytes: 1, tables: 1, rows: 1, seconds: 1, deleted: [] })).toEqual(
      [],
    );
  });

  it("warns of a database near D1's limit, a queue without workers, an old wait, lost workers and a failed backup", () => {
    const warnings = reportWarnings(
      statistics({
        database: { size_bytes: 9 * 1024 ** 3 },
        workers: { connected: 0 },
        queue: { waiting: 3, worker_offline: 2, oldest_waiting_seconds: 2 * 86_400 },
      }),
      { error: "R2 refused the upload" },
    );
    expect(warnings).toEqual([
      "the database holds 9g of its 10g limit: plan to archive or shard (docs/operators/limits.md)",
      "3 runs wait and no worker is connected",
      "a run has waited 2d: see `cl queue` for why (staged_status)",
      "2 runs are in worker_offline: their workers went away",
      "the backup failed: R2 refused the upload",
    ]);
  });
});
