import {
  CodalabError,
  DailyReportResponseSchema,
  GenerateReportRequestSchema,
  ReportListResponseSchema,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireAdmin } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { findReport, listReports, runDailyMonitoring } from "../../monitoring/daily-report.ts";

const adminErrors = { 401: "Not logged in", 403: "Not an administrator" };

const listRoute = createRoute({
  method: "get",
  path: "/rest/admin/reports",
  tags: ["admin"],
  summary: "The daily reports kept (`cl report --list`), newest first, with their warnings",
  security: bearerSecurity,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(366).default(30).openapi({ description: "At most this many days" }),
    }),
  },
  responses: {
    200: jsonResponse(ReportListResponseSchema, "Days with a report"),
    ...errors({ 400: "Invalid limit", ...adminErrors }),
  },
});

const DayParams = z.object({
  day: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2}|latest)$/, "must be a day as YYYY-MM-DD, or latest")
    .openapi({ param: { name: "day", in: "path" }, example: "latest" }),
});

const getRoute = createRoute({
  method: "get",
  path: "/rest/admin/reports/{day}",
  tags: ["admin"],
  summary: "One daily report (`cl report [DAY]`): statistics, the backup made, warnings",
  security: bearerSecurity,
  request: { params: DayParams },
  responses: {
    200: jsonResponse(DailyReportResponseSchema, "The report"),
    ...errors({ 400: "Not a day", ...adminErrors, 404: "No report for that day (yet)" }),
  },
});

const generateRoute = createRoute({
  method: "post",
  path: "/rest/admin/reports",
  tags: ["admin"],
  summary: "Make today's report now (`cl report --now`); with backup: true, also the D1 backup into R2",
  description:
    "What the nightly Cron Trigger does. A backup made here counts against the request's CPU limit: on a large database leave it to the nightly run.",
  security: bearerSecurity,
  request: { body: { ...jsonBody(GenerateReportRequestSchema), required: false } },
  responses: {
    201: jsonResponse(DailyReportResponseSchema, "Today's report, replacing one made earlier today"),
    ...errors({ 400: "Invalid body", ...adminErrors }),
  },
});

export function registerReports(app: App) {
  app.openapi(listRoute, async (c) => {
    requireAdmin(c);
    return c.json({ reports: await listReports(c.get("db"), c.req.valid("query").limit) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    requireAdmin(c);
    const { day } = c.req.valid("param");
    const report = await findReport(c.get("db"), day);
    if (report === null) {
      throw new CodalabError(
        "NOT_FOUND",
        day === "latest"
          ? "no daily report yet: the first is made by the nightly run, or now with POST /rest/admin/reports"
          : `no daily report for ${day}`,
      );
    }
    return c.json({ report }, 200);
  });
  app.openapi(generateRoute, async (c) => {
    requireAdmin(c);
    // The body is optional: a bare POST makes the report without a backup.
    const body: { backup?: boolean } = c.req.valid("json") ?? {};
    const report = await runDailyMonitoring(
      { db: c.get("db"), d1: c.env.DB, bucket: c.env.BUNDLES, config: c.get("config") },
      new Date(),
      { backup: body.backup ?? false },
    );
    return c.json({ report }, 201);
  });
}
