import { UploadStatusSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { uploadStatus } from "../../bundles/bundle-upload.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams } from "./bundle-route-params.ts";

const route = createRoute({
  method: "get",
  path: "/rest/bundles/{uuid}/upload",
  tags: ["bundles"],
  summary: "The upload in progress: which parts arrived (to resume)",
  security: bearerSecurity,
  request: { params: BundleUuidParams },
  responses: {
    200: jsonResponse(UploadStatusSchema, "The upload's parts"),
    ...errors({ 403: "No `all` permission", 404: "No such bundle, or no upload in progress" }),
  },
});

export function registerGetUpload(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    await requireBundle(db, await permissionCaller(c), uuid, "all");
    return c.json(await uploadStatus(db, uuid), 200);
  });
}
