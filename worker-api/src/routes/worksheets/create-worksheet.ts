import { CreateWorksheetRequestSchema, WorksheetResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { createWorksheet } from "../../worksheets/create-worksheet.ts";
import { serializeWorksheet } from "../../worksheets/serialize-worksheets.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";

const route = createRoute({
  method: "post",
  path: "/rest/worksheets",
  tags: ["worksheets"],
  summary: "Create an empty worksheet, readable by everyone (public), owned by the caller",
  security: bearerSecurity,
  request: { body: jsonBody(CreateWorksheetRequestSchema) },
  responses: {
    201: jsonResponse(WorksheetResponseSchema, "The new worksheet"),
    ...errors({
      400: "Invalid name (CodaLab's name rule; home-<user> is reserved)",
      401: "Not logged in",
      409: "The name is taken",
    }),
  },
});

export function registerCreateWorksheet(app: App) {
  app.openapi(route, async (c) => {
    const { user } = requireUser(c);
    const body = c.req.valid("json");
    const db = c.get("db");
    const uuid = await createWorksheet(db, { id: user.id, userName: user.userName }, body);
    const access = await requireWorksheetAccess(db, await permissionCaller(c), uuid, "all");
    return c.json({ worksheet: await serializeWorksheet(db, access) }, 201);
  });
}
