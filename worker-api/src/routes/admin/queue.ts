import { QueueResponseSchema } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { runQueue } from "../../admin/run-queue.ts";
import type { App } from "../../http/app-type.ts";
import { requireAdmin } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";

const route = createRoute({
  method: "get",
  path: "/rest/admin/queue",
  tags: ["admin"],
  summary: "The run queue (`cl queue`): runs waiting, with why, and runs on workers, oldest first",
  security: bearerSecurity,
  request: {
    query: z.object({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(100)
        .openapi({ description: "At most this many of each" }),
    }),
  },
  responses: {
    200: jsonResponse(QueueResponseSchema, "Waiting and active runs"),
    ...errors({ 400: "Invalid limit", 401: "Not logged in", 403: "Not an administrator" }),
  },
});

export function registerQueue(app: App) {
  app.openapi(route, async (c) => {
    requireAdmin(c);
    return c.json(await runQueue(c.get("db"), c.req.valid("query").limit), 200);
  });
}
