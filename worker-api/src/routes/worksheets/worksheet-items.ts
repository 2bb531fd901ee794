import {
  AddWorksheetItemsRequestSchema,
  AddWorksheetItemsResponseSchema,
  DeleteWorksheetItemsRequestSchema,
  DeleteWorksheetItemsResponseSchema,
} from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { deleteItems, insertItems } from "../../worksheets/change-items.ts";
import { serializeWorksheet } from "../../worksheets/serialize-worksheets.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";
import { itemJson, loadItems } from "../../worksheets/worksheet-items.ts";
import { sourceContext, WorksheetUuidParams } from "./worksheet-route-params.ts";

const addRoute = createRoute({
  method: "post",
  path: "/rest/worksheets/{uuid}/items",
  tags: ["worksheets"],
  summary: "Add items (typed, or as source lines) at the end, after an item, at the top, or in place of items",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, body: jsonBody(AddWorksheetItemsRequestSchema) },
  responses: {
    200: jsonResponse(AddWorksheetItemsResponseSchema, "The worksheet and the new items"),
    ...errors({
      400: "Neither or both of items and source, a multi-line item, or an invalid spec",
      403: "No `all` permission on the worksheet, or no read permission on an added bundle or worksheet",
      404: "No such worksheet, item, bundle or worksheet",
      409: "Stale version (when given), frozen, or an ambiguous spec",
      413: "The worksheet would hold more than 20 000 items",
    }),
  },
});

const deleteRoute = createRoute({
  method: "post",
  path: "/rest/worksheets/{uuid}/items/delete",
  tags: ["worksheets"],
  summary: "Remove items from the worksheet (bundles are not deleted)",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, body: jsonBody(DeleteWorksheetItemsRequestSchema) },
  responses: {
    200: jsonResponse(DeleteWorksheetItemsResponseSchema, "The worksheet and the removed item ids"),
    ...errors({
      403: "No `all` permission",
      404: "No such worksheet or item",
      409: "Stale version (when given) or frozen",
    }),
  },
});

export function registerWorksheetItems(app: App) {
  app.openapi(addRoute, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const context = await sourceContext(c, uuid);
    const { firstSortKey, count } = await insertItems(context, c.req.valid("json"));
    const access = await requireWorksheetAccess(context.db, context.caller, uuid, "read");
    const [worksheet, items] = await Promise.all([serializeWorksheet(context.db, access), loadItems(context.db, uuid)]);
    const added = items.filter((item) => item.sort_key >= firstSortKey && item.sort_key < firstSortKey + count);
    return c.json({ worksheet, added: added.map(itemJson) }, 200);
  });

  app.openapi(deleteRoute, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const body = c.req.valid("json");
    const context = await sourceContext(c, uuid);
    const deleted = await deleteItems(context, body.ids, body.version);
    const access = await requireWorksheetAccess(context.db, context.caller, uuid, "read");
    return c.json({ worksheet: await serializeWorksheet(context.db, access), deleted }, 200);
  });
}
