import { StartUploadRequestSchema, UploadStatusSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { startUpload } from "../../bundles/bundle-upload.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams, bundleStore } from "./bundle-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/{uuid}/upload",
  tags: ["bundles"],
  summary: "Start (or resume) uploading a bundle's contents",
  description:
    "Declares what will be sent: a file, or a directory as a tar built by TarWriter, of `size` bytes. " +
    "Answers how to split it into parts and which parts already arrived; repeating the same request resumes, " +
    "a different one replaces the unfinished upload.",
  security: bearerSecurity,
  request: { params: BundleUuidParams, body: jsonBody(StartUploadRequestSchema) },
  responses: {
    200: jsonResponse(UploadStatusSchema, "How to send the parts"),
    ...errors({
      400: "Invalid size or part size",
      403: "No `all` permission, or over the disk quota",
      404: "No such bundle",
      409: "The bundle is not uploading (a final state is never uploaded again)",
    }),
  },
});

export function registerStartUpload(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const { row } = await requireBundle(db, await permissionCaller(c), uuid, "all");
    return c.json(await startUpload(db, bundleStore(c), row, c.req.valid("json")), 200);
  });
}
