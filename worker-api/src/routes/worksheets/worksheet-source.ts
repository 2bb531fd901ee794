import {
  renderSourceText,
  SaveWorksheetSourceRequestSchema,
  WorksheetSourceResponseSchema,
  WorksheetWithItemsResponseSchema,
} from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { saveSource } from "../../worksheets/change-items.ts";
import { serializeWorksheet } from "../../worksheets/serialize-worksheets.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";
import { itemJson, loadItems } from "../../worksheets/worksheet-items.ts";
import { dataAccess, sourceContext, WorksheetUuidParams } from "./worksheet-route-params.ts";

const getRoute = createRoute({
  method: "get",
  path: "/rest/worksheets/{uuid}/source",
  tags: ["worksheets"],
  summary: "The worksheet's markdown source (one line per item) and the version it shows",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams },
  responses: {
    200: jsonResponse(WorksheetSourceResponseSchema, "The source"),
    ...errors({ 403: "No read permission", 404: "No such worksheet" }),
  },
});

const putRoute = createRoute({
  method: "put",
  path: "/rest/worksheets/{uuid}/source",
  tags: ["worksheets"],
  summary: "Replace every item with the lines of a markdown source, if nobody changed the worksheet meanwhile",
  description:
    "Bundle specs in `[…]{spec}` lines are resolved against this worksheet as it was. A `version` other than " +
    "the current one is 409 STALE_VERSION (details.current_version) and nothing is written.",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, body: jsonBody(SaveWorksheetSourceRequestSchema) },
  responses: {
    200: jsonResponse(WorksheetWithItemsResponseSchema, "The worksheet and its new items"),
    ...errors({
      400: "A bundle spec in a line is invalid",
      403: "No `all` permission",
      404: "No such worksheet, or a bundle spec matches nothing",
      409: "Stale version (STALE_VERSION), frozen (FROZEN) or an ambiguous spec (AMBIGUOUS_SPEC)",
      413: "More than 1 MiB of source or 20 000 lines",
    }),
  },
});

export function registerWorksheetSource(app: App) {
  app.openapi(getRoute, async (c) => {
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const { row } = await requireWorksheetAccess(db, await permissionCaller(c), uuid, "read");
    const items = await loadItems(db, uuid);
    const access = await dataAccess(c);
    const [bundles, worksheets] = await Promise.all([
      access.bundles([...new Set(items.flatMap((item) => item.bundle_uuid ?? []))]),
      access.worksheets([...new Set(items.flatMap((item) => item.subworksheet_uuid ?? []))]),
    ]);
    return c.json({ version: row.version, source: renderSourceText(items, { bundles, worksheets }) }, 200);
  });

  app.openapi(putRoute, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const body = c.req.valid("json");
    const context = await sourceContext(c, uuid);
    await saveSource(context, body.source, body.version);
    const access = await requireWorksheetAccess(context.db, context.caller, uuid, "read");
    const [worksheet, items] = await Promise.all([serializeWorksheet(context.db, access), loadItems(context.db, uuid)]);
    return c.json({ worksheet, items: items.map(itemJson) }, 200);
  });
}
