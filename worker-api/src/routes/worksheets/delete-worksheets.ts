import { DeleteWorksheetsRequestSchema, DeleteWorksheetsResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { deleteWorksheets } from "../../worksheets/delete-worksheets.ts";

const route = createRoute({
  method: "post",
  path: "/rest/worksheets/delete",
  tags: ["worksheets"],
  summary: "Delete worksheets (not their bundles); without force only empty, unfrozen ones",
  security: bearerSecurity,
  request: { body: jsonBody(DeleteWorksheetsRequestSchema) },
  responses: {
    200: jsonResponse(DeleteWorksheetsResponseSchema, "The deleted worksheets"),
    ...errors({
      403: "No `all` permission",
      404: "No such worksheet",
      409: "Not empty (CONFLICT) or frozen (FROZEN), without force",
    }),
  },
});

export function registerDeleteWorksheets(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const body = c.req.valid("json");
    const deleted = await deleteWorksheets(c.get("db"), await permissionCaller(c), body.uuids, body.force);
    return c.json({ deleted }, 200);
  });
}
