import { parseResponse } from "../api/wire.ts";
import { parseWorkerList } from "../api/worker-wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { renderTable } from "../output/table.ts";
import { workerColumns, workerRows } from "../runs/workers-table.ts";

export default defineClCommand({
  details: [
    "Yours, those serving a group you are in, and the instance's shared workers, on which only your",
    "own runs are listed (the others are counted). Administrators see every worker and every run.",
  ],
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
