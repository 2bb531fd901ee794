import { BundleResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { failUpload, requireUploading } from "../../bundles/bundle-upload.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams, bundleStore } from "./bundle-route-params.ts";

const route = createRoute({
  method: "delete",
  path: "/rest/bundles/{uuid}/upload",
  tags: ["bundles"],
  summary: "Abandon the upload: its parts are dropped and the bundle fails",
  security: bearerSecurity,
  request: { params: BundleUuidParams },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The bundle, now failed"),
    ...errors({ 403: "No `all` permission", 404: "No such bundle", 409: "The bundle is not uploading" }),
  },
});

export function registerAbandonUpload(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const { row } = await requireBundle(db, caller, uuid, "all");
    requireUploading(row);
    await failUpload(db, bundleStore(c), uuid, "the upload was abandoned");
    const access = await requireBundle(db, caller, uuid, "all");
    return c.json({ bundle: await serializeBundle(db, caller, access) }, 200);
  });
}
