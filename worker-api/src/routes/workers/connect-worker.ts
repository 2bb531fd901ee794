import { CodalabError } from "@codalab/core";
import { WORKER_ID_HEADER, WORKER_TOKEN_ID_HEADER } from "@codalab/durable-objects";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors } from "../../http/openapi-helpers.ts";
import { sessionStub } from "../../runs/stubs.ts";
import { registerWorker } from "../../runs/worker-registry.ts";

const WorkerName = z
  .string()
  .min(1)
  .max(128)
  // The runner's rule for --id: no whitespace or slashes (and no control characters).
  .regex(/^[^\s/\p{Cc}]+$/u, "may not contain spaces, slashes or control characters");

const ConnectQuery = z.object({
  name: WorkerName.optional().openapi({ description: "The worker's name (`cl-runner --id`), unique per owner" }),
  worker_name: WorkerName.optional().openapi({ description: "Same as name (what cl-runner sends)" }),
  shared_pool: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Offer the worker to everyone's runs (admins only; others are refused)" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/workers/connect",
  tags: ["workers"],
  summary: "A runner's protocol socket (WebSocket upgrade); see core/src/runs/protocol.ts",
  description:
    "Registers the worker `name` for the caller on first use and hands the socket to the worker's session. " +
    "The runner then sends `hello` and follows the protocol.",
  security: bearerSecurity,
  request: { query: ConnectQuery },
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    ...errors({
      400: "No worker name, or not a WebSocket upgrade",
      401: "Not logged in",
      403: "A shared-pool worker of a user who is not an admin, or a worker token of another worker",
    }),
  },
});

async function handle(c: Context<AppEnv>): Promise<Response> {
  const caller = requireUser(c);
  const user = caller.user;
  const parsed = ConnectQuery.safeParse(c.req.query());
  if (!parsed.success)
    throw new CodalabError("VALIDATION_FAILED", parsed.error.issues.map((i) => i.message).join("; "));
  const name = parsed.data.name ?? parsed.data.worker_name;
  if (name === undefined) throw new CodalabError("VALIDATION_FAILED", "name is required: the worker's name (?name=)");
  const sharedPool = parsed.data.shared_pool === "true";
  if (sharedPool && !user.isAdmin) {
    throw new CodalabError("FORBIDDEN", "only administrators may offer a worker to everyone (shared_pool)");
  }
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new CodalabError("BAD_REQUEST", "this endpoint is a WebSocket: connect with Upgrade: websocket");
  }
  const worker = await registerWorker(c.get("db"), user.id, name, sharedPool);
  const headers = new Headers(c.req.raw.headers);
  headers.set(WORKER_ID_HEADER, worker.id);
  // Revoking this worker token later closes exactly the sockets it opened.
  if (caller.via === "worker") headers.set(WORKER_TOKEN_ID_HEADER, caller.tokenId);
  headers.delete("authorization");
  return sessionStub(c.env, worker.id).fetch(new Request("https://session/connect", { headers }));
}

export function registerConnectWorker(app: App) {
  app.openAPIRegistry.registerPath(route);
  app.get("/rest/workers/connect", handle);
}
