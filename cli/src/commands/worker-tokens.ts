import { formatDate } from "@codalab/core/format/date";
import { parseResponse } from "../api/wire.ts";
import { parseCreatedWorkerToken, parseWorkerToken, parseWorkerTokenList } from "../api/worker-token-wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { renderTable } from "../output/table.ts";

export default defineClCommand({
  details: [
    "A worker token lets one runner (cl-runner --id NAME) connect as worker NAME, read its runs'",
    "dependencies and upload their results, and nothing else. Without an option, lists your tokens.",
    "  worker-tokens --create NAME : make a token for worker NAME; the token is printed once.",
    "  worker-tokens --revoke ID   : revoke a token; the runner using it is disconnected.",
  ],
  args: {
    create: { type: "string", valueHint: "NAME", description: "Make a token for the worker with this name." },
    revoke: { type: "string", valueHint: "ID", description: "Revoke the token with this id." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    if (args.create !== undefined && args.revoke !== undefined) {
      throw usageError("--create and --revoke cannot be combined", "make and revoke tokens one command at a time");
    }
    const client = await ctx.currentClient();
    if (args.create !== undefined) {
      const path = "POST /rest/workers/tokens";
      const body = await client.post("/rest/workers/tokens", { worker_name: args.create });
      const created = parseResponse(path, body, parseCreatedWorkerToken);
      if (args.json) {
        ctx.out.json(body);
        return;
      }
      // The secret alone on standard output, so that it can go straight into a file.
      ctx.out.line(created.token);
      ctx.out.note(
        `Worker token ${created.id} for worker ${created.worker_name}, shown this once. Keep it in a file only you can read (chmod 600) and start the runner with: cl-runner --id ${created.worker_name} --token-file FILE`,
      );
      return;
    }
    if (args.revoke !== undefined) {
      const path = `DELETE /rest/workers/tokens/${args.revoke}`;
      const body = await client.request("DELETE", `/rest/workers/tokens/${encodeURIComponent(args.revoke)}`);
      const revoked = parseResponse(path, body, parseWorkerToken);
      if (args.json) ctx.out.json(body);
      else ctx.out.line(`Revoked worker token ${revoked.id} (worker ${revoked.worker_name}).`);
      return;
    }
    const body = await client.get("/rest/workers/tokens");
    const tokens = parseResponse("GET /rest/workers/tokens", body, parseWorkerTokenList);
    if (args.json) {
      ctx.out.json(body);
      return;
    }
    const rows = tokens.map((token) => ({
      id: token.id,
      worker: token.worker_name,
      created: formatDate(token.created_at),
      revoked: token.revoked_at === null ? "" : formatDate(token.revoked_at),
    }));
    for (const line of renderTable(["id", "worker", "created", "revoked"], rows)) ctx.out.line(line);
  },
});
