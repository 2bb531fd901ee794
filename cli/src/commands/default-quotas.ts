import type { DefaultQuotas } from "@codalab/core/api/admin";
import { formatDuration, parseDuration } from "@codalab/core/format/duration";
import { formatSize, parseSize } from "@codalab/core/format/size";
import { adminRequest } from "../admin/admin-request.ts";
import { parseDefaultQuotas } from "../admin/admin-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { amountArg } from "../parse/amount-arg.ts";

export default defineClCommand({
  details: [
    "For administrators. Shows, or with -t/-d/-p changes, the quotas new accounts get; existing",
    "accounts keep theirs (change those with `cl uedit`). Unset values come from the deployment.",
  ],
  args: {
    timeQuota: {
      type: "string",
      alias: "t",
      valueHint: "duration",
      description: "Total amount of time allowed (e.g., 3, 3m, 3h, 3d)",
    },
    diskQuota: {
      type: "string",
      alias: "d",
      valueHint: "size",
      description: "Total amount of disk allowed (e.g., 3, 3k, 3m, 3g, 3t)",
    },
    parallelRunQuota: {
      type: "string",
      alias: "p",
      valueHint: "count",
      description: "Runs a user may have at once on the shared pool",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const changes: Partial<DefaultQuotas> = {};
    if (args.timeQuota !== undefined) changes.time_quota = amountArg("-t", args.timeQuota, parseDuration, "1y");
    if (args.diskQuota !== undefined) changes.disk_quota = amountArg("-d", args.diskQuota, parseSize, "1t");
    if (args.parallelRunQuota !== undefined) {
      if (!/^\d+$/.test(args.parallelRunQuota)) {
        throw usageError(`-p: expected a whole number, got ${JSON.stringify(args.parallelRunQuota)}`);
      }
      changes.parallel_run_quota = Number(args.parallelRunQuota);
    }
    const client = await ctx.currentClient();
    const path = "/rest/admin/default-quotas";
    const changing = Object.keys(changes).length > 0;
    const body = changing
      ? await adminRequest(client, "PATCH", path, { body: changes })
      : await adminRequest(client, "GET", path);
    const view = parseResponse(`${changing ? "PATCH" : "GET"} ${path}`, body, parseDefaultQuotas);
    if (args.json) return ctx.out.json(view);
    const origin = (field: keyof DefaultQuotas) =>
      view.overridden.includes(field) ? "set by an administrator" : "the deployment's default";
    const quotas = view.default_quotas;
    ctx.out.line(`time_quota:          ${formatDuration(quotas.time_quota).padEnd(8)}  (${origin("time_quota")})`);
    ctx.out.line(`disk_quota:          ${formatSize(quotas.disk_quota).padEnd(8)}  (${origin("disk_quota")})`);
    ctx.out.line(
      `parallel_run_quota:  ${String(quotas.parallel_run_quota).padEnd(8)}  (${origin("parallel_run_quota")})`,
    );
  },
});
