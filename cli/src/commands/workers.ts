import { parseResponse } from "../api/wire.ts";
import { parseWorkerList } from "../api/worker-wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { renderTable } from "../output/table.ts";
import { workerColumns, workerRows } from "../runs/workers-table.ts";

export default defineClCommand({
  details: ["Yours, and those serving a group you are in (administrators see every worker)."],
  args: { json: JSON_ARG },
  async run(args, ctx) {
    const client = await ctx.currentClient();
    const workers = parseResponse("GET /rest/workers", await client.get("/rest/workers"), parseWorkerList);
    if (args.json) {
      ctx.out.json(workers.map((worker) => worker.raw));
      return;
    }
    const rows = workerRows(workers, Math.floor(Date.now() / 1000));
    for (const line of renderTable(workerColumns(workers), rows)) ctx.out.line(line);
  },
});
