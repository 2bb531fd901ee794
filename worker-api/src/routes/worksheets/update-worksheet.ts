import { UpdateWorksheetRequestSchema, WorksheetResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { editWorksheet } from "../../worksheets/edit-worksheet.ts";
import { serializeWorksheet } from "../../worksheets/serialize-worksheets.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";
import { WorksheetUuidParams } from "./worksheet-route-params.ts";

const route = createRoute({
  method: "patch",
  path: "/rest/worksheets/{uuid}",
  tags: ["worksheets"],
  summary: "Edit a worksheet's name, title, tags, owner, frozen state or anonymity",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, body: jsonBody(UpdateWorksheetRequestSchema) },
  responses: {
    200: jsonResponse(WorksheetResponseSchema, "The edited worksheet"),
    ...errors({
      400: "Invalid name or value",
      403: "No `all` permission",
      404: "No such worksheet or new owner",
      409: "Frozen (unfreeze first), or the new name is taken",
    }),
  },
});

export function registerUpdateWorksheet(app: App) {
  app.openapi(route, async (c) => {
    const { user } = requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const caller = await permissionCaller(c);
    await editWorksheet(db, caller, { id: user.id, userName: user.userName }, uuid, c.req.valid("json"));
    const access = await requireWorksheetAccess(db, caller, uuid, "read");
    return c.json({ worksheet: await serializeWorksheet(db, access) }, 200);
  });
}
