import { adminRequest } from "../admin/admin-request.ts";
import { parseQueue } from "../admin/admin-wire.ts";
import { ACTIVE_COLUMNS, queueRows, WAITING_COLUMNS } from "../admin/queue-table.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { renderTable } from "../output/table.ts";

export default defineClCommand({
  details: [
    "For administrators. Runs waiting for a worker (with the reason in `why`), then runs on",
    "workers, oldest first. `cl workers` shows the workers themselves.",
  ],
  args: {
    limit: {
      type: "string",
      alias: "n",
      valueHint: "count",
      description: "Show at most this many of each [default: 100]",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const limit = args.limit ?? "100";
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
      throw usageError(
        `--limit: expected a whole number from 1 to 1000, got ${JSON.stringify(limit)}`,
        "for example: cl queue --limit 20",
      );
    }
    const client = await ctx.currentClient();
    const path = "/rest/admin/queue";
    const queue = parseResponse(
      `GET ${path}`,
      await adminRequest(client, "GET", path, { query: { limit } }),
      parseQueue,
    );
    if (args.json) return ctx.out.json(queue);
    const now = Math.floor(Date.now() / 1000);
    ctx.out.line(`Waiting (${queue.waiting.length}):`);
    if (queue.waiting.length > 0) {
      for (const line of renderTable(WAITING_COLUMNS, queueRows(queue.waiting, now), { indent: "  " }))
        ctx.out.line(line);
    }
    ctx.out.line(`Running (${queue.active.length}):`);
    if (queue.active.length > 0) {
      for (const line of renderTable(ACTIVE_COLUMNS, queueRows(queue.active, now), { indent: "  " }))
        ctx.out.line(line);
    }
  },
});
