/**
 * The daily instance report (`cl report`, `/rest/admin/reports`, admins only). Parsed by hand:
 * core's zod schemas (core/src/api/admin.ts) would triple the page's JavaScript; only the shape
 * the report page reads is checked.
 */
import type { DailyReport } from "@codalab/core/api/admin";
import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";

export type { DailyReport };
export type ReportDay = Pick<DailyReport, "day" | "generated_at" | "warnings">;

const STATISTICS = ["bundles", "users", "workers", "queue", "database"] as const;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function parseReport(body: unknown): DailyReport {
  const report = isRecord(body) ? body.report : undefined;
  if (
    !isRecord(report) ||
    typeof report.day !== "string" ||
    typeof report.generated_at !== "number" ||
    !isStringList(report.warnings) ||
    !isRecord(report.statistics) ||
    !STATISTICS.every((key) => isRecord((report.statistics as Record<string, unknown>)[key])) ||
    !(report.backup === null || isRecord(report.backup))
  ) {
    throw unexpectedResponse(200, "not a daily report");
  }
  return report as DailyReport;
}

/** One day's report (`YYYY-MM-DD`), or the newest; 404 (ApiError NOT_FOUND) when there is none. */
export async function fetchReport(day = "latest"): Promise<DailyReport> {
  return parseReport(await http.request(`/rest/admin/reports/${encodeURIComponent(day)}`));
}

/** The days that have a report, newest first. */
export async function listReports(limit = 30): Promise<ReportDay[]> {
  const body = await http.request("/rest/admin/reports", { query: { limit } });
  if (!isRecord(body) || !Array.isArray(body.reports)) throw unexpectedResponse(200, "no list of reports");
  return body.reports.filter(
    (item): item is ReportDay =>
      isRecord(item) &&
      typeof item.day === "string" &&
      typeof item.generated_at === "number" &&
      isStringList(item.warnings),
  );
}

/** Makes today's report now, without a backup (the nightly run makes those). */
export async function generateReport(): Promise<DailyReport> {
  return parseReport(await http.request("/rest/admin/reports", { method: "POST", body: { backup: false } }));
}
