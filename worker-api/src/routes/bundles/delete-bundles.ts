import { DeleteBundlesRequestSchema, DeleteBundlesResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { deleteBundles } from "../../bundles/delete-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { bundleStore } from "./bundle-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/delete",
  tags: ["bundles"],
  summary: "Delete bundles (cl rm): metadata and contents, or only contents with data_only",
  description:
    "Refuses bundles others depend on (unless force, or recursive which deletes the descendants too), active " +
    "bundles, frozen bundles, bundles on a frozen worksheet, and bundles on several worksheets (unless force). " +
    "dry_run lists what would be deleted.",
  security: bearerSecurity,
  request: { body: jsonBody(DeleteBundlesRequestSchema) },
  responses: {
    200: jsonResponse(DeleteBundlesResponseSchema, "What was (or, with dry_run, would be) deleted"),
    ...errors({
      400: "Invalid uuids",
      403: "No `all` permission on a bundle to delete",
      404: "No such bundle",
      409: "Dependents, several worksheets, active, or frozen",
    }),
  },
});

export function registerDeleteBundles(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const deleted = await deleteBundles(c.get("db"), bundleStore(c), await permissionCaller(c), c.req.valid("json"));
    return c.json({ deleted }, 200);
  });
}
