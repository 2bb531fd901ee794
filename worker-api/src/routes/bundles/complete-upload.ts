import { BundleResponseSchema, CompleteUploadRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { completeUpload } from "../../bundles/bundle-upload.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams, bundleStore } from "./bundle-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/{uuid}/upload/complete",
  tags: ["bundles"],
  summary: "Finish the upload: verify the contents and make the bundle ready",
  description:
    "Checks the assembled size, and for directories the index (tar_size, entries inside the tar); charges the " +
    "owner's disk quota. A verification failure marks the bundle failed and deletes what was written; missing " +
    "parts leave the upload as it was.",
  security: bearerSecurity,
  request: { params: BundleUuidParams, body: jsonBody(CompleteUploadRequestSchema) },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The bundle, now ready"),
    ...errors({
      400: "Invalid or missing index, or contents that do not match what was declared (the bundle is failed)",
      403: "No `all` permission, or over the disk quota (the bundle is failed)",
      404: "No such bundle",
      409: "Parts missing, no upload in progress, or the bundle is not uploading",
    }),
  },
});

export function registerCompleteUpload(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const { row } = await requireBundle(db, caller, uuid, "all");
    await completeUpload(db, bundleStore(c), row, c.req.valid("json").index);
    const access = await requireBundle(db, caller, uuid, "all");
    return c.json({ bundle: await serializeBundle(db, caller, access) }, 200);
  });
}
