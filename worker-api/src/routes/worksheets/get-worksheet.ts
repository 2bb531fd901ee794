import {
  CodalabError,
  WORKSHEET_INCLUDES,
  type WorksheetInclude,
  WorksheetWithItemsResponseSchema,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { readableBundles } from "../../bundles/bundle-access.ts";
import { serializeBundles } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { serializeWorksheet } from "../../worksheets/serialize-worksheets.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";
import { loadWorksheetInfos } from "../../worksheets/worksheet-infos.ts";
import { itemJson, loadItems } from "../../worksheets/worksheet-items.ts";
import { RepeatedQuery } from "../bundles/bundle-route-params.ts";
import { WorksheetUuidParams } from "./worksheet-route-params.ts";

const Query = z.object({
  include: RepeatedQuery.openapi({
    description: `Extra maps, comma-separated or repeated: ${WORKSHEET_INCLUDES.join(", ")}`,
  }),
});

function parseInclude(values: readonly string[]): Set<WorksheetInclude> {
  const include = new Set<WorksheetInclude>();
  for (const name of values.flatMap((text) => text.split(",")).map((text) => text.trim())) {
    if (name === "") continue;
    if (!(WORKSHEET_INCLUDES as readonly string[]).includes(name)) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `unknown include ${JSON.stringify(name)}: use ${WORKSHEET_INCLUDES.join(", ")}`,
      );
    }
    include.add(name as WorksheetInclude);
  }
  return include;
}

const route = createRoute({
  method: "get",
  path: "/rest/worksheets/{uuid}",
  tags: ["worksheets"],
  summary: "A worksheet and its items in display order",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, query: Query },
  responses: {
    200: jsonResponse(WorksheetWithItemsResponseSchema, "The worksheet and its items"),
    ...errors({ 400: "Not a uuid, or unknown include", 403: "No read permission", 404: "No such worksheet" }),
  },
});

export function registerGetWorksheet(app: App) {
  app.openapi(route, async (c) => {
    const { uuid } = c.req.valid("param");
    const include = parseInclude(c.req.valid("query").include);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const access = await requireWorksheetAccess(db, caller, uuid, "read");
    const items = await loadItems(db, uuid);
    const bundleUuids = [...new Set(items.flatMap((item) => (item.bundle_uuid === null ? [] : [item.bundle_uuid])))];
    const worksheetUuids = [
      ...new Set(items.flatMap((item) => (item.subworksheet_uuid === null ? [] : [item.subworksheet_uuid]))),
    ];
    const [worksheet, bundles, subworksheets] = await Promise.all([
      serializeWorksheet(db, access),
      include.has("bundles")
        ? readableBundles(db, caller, bundleUuids).then((accesses) => serializeBundles(db, caller, accesses))
        : undefined,
      include.has("subworksheets") ? loadWorksheetInfos(db, caller, worksheetUuids) : undefined,
    ]);
    return c.json(
      {
        worksheet,
        items: items.map(itemJson),
        ...(bundles === undefined
          ? {}
          : { bundles: Object.fromEntries(bundles.map((bundle) => [bundle.uuid, bundle])) }),
        ...(subworksheets === undefined
          ? {}
          : {
              subworksheets: Object.fromEntries(
                [...subworksheets.values()].map((info) => [
                  info.uuid,
                  { uuid: info.uuid, name: info.permission === "none" ? "<private>" : info.name, title: info.title },
                ]),
              ),
            }),
      },
      200,
    );
  });
}
