import { WorkerListResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { listWorkers } from "../../runs/worker-registry.ts";

const route = createRoute({
  method: "get",
  path: "/rest/workers",
  tags: ["workers"],
  summary: "Compute workers the caller may use: their own and those of their groups (admins see all)",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(WorkerListResponseSchema, "Workers with capacity, what their runs use, and the runs"),
    ...errors({ 401: "Not logged in" }),
  },
});

export function registerListWorkers(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    return c.json({ workers: await listWorkers(c.get("db"), await permissionCaller(c)) }, 200);
  });
}
