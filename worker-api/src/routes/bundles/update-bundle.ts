import { BundleResponseSchema, UpdateBundleRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { editBundle } from "../../bundles/edit-bundle.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams } from "./bundle-route-params.ts";

const route = createRoute({
  method: "patch",
  path: "/rest/bundles/{uuid}",
  tags: ["bundles"],
  summary: "Edit a bundle's metadata, freeze or unfreeze it, or change its anonymity",
  security: bearerSecurity,
  request: { params: BundleUuidParams, body: jsonBody(UpdateBundleRequestSchema) },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The edited bundle"),
    ...errors({
      400: "Invalid name, value or key (generated fields cannot be edited)",
      403: "No `all` permission",
      404: "No such bundle",
      409: "Frozen (unfreeze first), or not in a state that allows the change",
    }),
  },
});

export function registerUpdateBundle(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const { row } = await requireBundle(db, caller, uuid, "all");
    await editBundle(db, row, c.req.valid("json"));
    const access = await requireBundle(db, caller, uuid, "all");
    return c.json({ bundle: await serializeBundle(db, caller, access) }, 200);
  });
}
