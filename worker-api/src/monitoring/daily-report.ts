/**
 * The daily monitoring run (CodaLab's monitor script, done the Workers way): the Cron Trigger in
 * wrangler.toml calls it through the Worker's `scheduled` handler; admins can also run it with
 * `POST /rest/admin/reports`. It backs D1 up into R2, gathers statistics and keeps one report a day
 * in `daily_reports`, which admins read with `cl report` or `GET /rest/admin/reports/{day}`.
 */
import {
  type BackupSummary,
  type DailyReport,
  DailyReportSchema,
  formatSize,
  reportWarnings,
  utcDay,
} from "@codalab/core";
import { desc, eq } from "drizzle-orm";
import { type InstanceConfig, readConfig } from "../config.ts";
import { createDb, type Db } from "../db/client.ts";
import { dailyReports } from "../db/schema.ts";
import { backupDatabase } from "./d1-backup.ts";
import { collectStatistics } from "./instance-statistics.ts";

export type MonitoringDeps = { db: Db; d1: D1Database; bucket: R2Bucket; config: InstanceConfig };

export function monitoringDeps(env: Env): MonitoringDeps {
  return { db: createDb(env.DB), d1: env.DB, bucket: env.BUNDLES, config: readConfig(env) };
}

/** The `scheduled` handler's work: the full run, summed up in one log line (Workers Logs, `wrangler tail`). */
export async function scheduledMonitoring(env: Env, scheduledTime: number): Promise<void> {
  const report = await runDailyMonitoring(monitoringDeps(env), new Date(scheduledTime), { backup: true });
  const made = report.backup;
  const backup =
    made === null
      ? "no backup"
      : "error" in made
        ? "backup FAILED"
        : `backup ${made.key} (${formatSize(made.bytes)}, ${made.rows} rows, ${made.seconds.toFixed(1)} s)`;
  console.log(
    `daily report ${report.day}: ${backup}; ${report.warnings.length} warnings${report.warnings.map((w) => `; ${w}`).join("")}`,
  );
}

export async function runDailyMonitoring(
  deps: MonitoringDeps,
  now: Date,
  options: { backup: boolean },
): Promise<DailyReport> {
  const day = utcDay(now);
  let backup: BackupSummary | null;
  if (options.backup) {
    try {
      backup = await backupDatabase(deps.d1, deps.bucket, now, deps.config.backupRetentionDays);
    } catch (error) {
      // The report still goes out: a failed backup is what the admin most needs to read about.
      backup = { error: error instanceof Error ? error.message : String(error) };
    }
  } else {
    // A report made by hand later in the day keeps the night's backup summary.
    backup = (await findReport(deps.db, day))?.backup ?? null;
  }
  const statistics = await collectStatistics(deps.d1, now);
  const report: DailyReport = {
    day,
    generated_at: Math.floor(now.getTime() / 1000),
    statistics,
    backup,
    warnings: reportWarnings(statistics, backup),
  };
  await deps.db
    .insert(dailyReports)
    .values({ day, generatedAt: report.generated_at, report })
    .onConflictDoUpdate({ target: dailyReports.day, set: { generatedAt: report.generated_at, report } });
  return report;
}

/** The report of `day` (`YYYY-MM-DD`), or the newest one for `latest`; null when there is none. */
export async function findReport(db: Db, day: string): Promise<DailyReport | null> {
  const [row] =
    day === "latest"
      ? await db.select().from(dailyReports).orderBy(desc(dailyReports.day)).limit(1)
      : await db.select().from(dailyReports).where(eq(dailyReports.day, day)).limit(1);
  return row ? DailyReportSchema.parse(row.report) : null;
}

export async function listReports(
  db: Db,
  limit: number,
): Promise<Pick<DailyReport, "day" | "generated_at" | "warnings">[]> {
  const rows = await db.select().from(dailyReports).orderBy(desc(dailyReports.day)).limit(limit);
  return rows.map((row) => {
    const report = DailyReportSchema.parse(row.report);
    return { day: report.day, generated_at: report.generated_at, warnings: report.warnings };
  });
}
