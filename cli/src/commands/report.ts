import { formatDate } from "@codalab/core/format/date";
import { adminRequest } from "../admin/admin-request.ts";
import { parseReport, parseReportList } from "../admin/admin-wire.ts";
import { reportLines } from "../admin/report-lines.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { withHint } from "../errors/with-hint.ts";
import { renderTable } from "../output/table.ts";

export default defineClCommand({
  details: [
    "For administrators. The nightly run (a Cron Trigger) backs the database up into R2 and keeps",
    "a report: bundles, users, workers, the queue, the database's size, and what needs attention.",
  ],
  args: {
    day: {
      type: "positional",
      required: false,
      description: "Day of the report, YYYY-MM-DD (UTC) [default: the latest]",
    },
    now: { type: "boolean", description: "Make today's report now instead of reading a stored one." },
    backup: { type: "boolean", description: "With --now: also back the database up into R2 now." },
    list: { type: "boolean", description: "List the days that have a report, with their warnings." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    if (args.backup && !args.now) throw usageError("--backup goes with --now", "cl report --now --backup");
    if (args.now && args.day !== undefined) throw usageError("--now makes today's report: give no day with it");
    if (args.list && (args.now || args.day !== undefined)) throw usageError("--list takes no day and no --now");
    if (args.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(args.day)) {
      throw usageError(`not a day: ${JSON.stringify(args.day)}`, "give the day as YYYY-MM-DD, e.g. 2026-01-31");
    }
    const client = await ctx.currentClient();
    if (args.list) {
      const path = "/rest/admin/reports";
      const { reports } = parseResponse(`GET ${path}`, await adminRequest(client, "GET", path), parseReportList);
      if (args.json) return ctx.out.json(reports);
      const rows = reports.map((report) => ({
        day: report.day,
        made: formatDate(report.generated_at),
        warnings: report.warnings.length === 0 ? "none" : report.warnings.join("; "),
      }));
      for (const line of renderTable(["day", "made", "warnings"], rows)) ctx.out.line(line);
      return;
    }
    const path = args.now ? "/rest/admin/reports" : `/rest/admin/reports/${args.day ?? "latest"}`;
    const body = args.now
      ? await adminRequest(client, "POST", path, { body: { backup: args.backup === true } })
      : await adminRequest(client, "GET", path).catch((error: unknown) => {
          throw withHint(error, (refusal) =>
            refusal.code === "NOT_FOUND"
              ? "`cl report --list` shows the days that have one; `cl report --now` makes today's"
              : undefined,
          );
        });
    const { report } = parseResponse(`${args.now ? "POST" : "GET"} ${path}`, body, parseReport);
    if (args.json) return ctx.out.json(report);
    for (const line of reportLines(report)) ctx.out.line(line);
  },
});
