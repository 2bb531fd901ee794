import { CodalabError, MAX_UPLOAD_PART_BYTES, MAX_UPLOAD_PARTS, UploadPartResponseSchema } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { receivePart } from "../../bundles/bundle-upload.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams, bundleStore } from "./bundle-route-params.ts";

const PartParams = BundleUuidParams.extend({
  n: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_UPLOAD_PARTS)
    .openapi({ param: { name: "n", in: "path" }, example: 1, description: "Part number, from 1" }),
});

const route = createRoute({
  method: "put",
  path: "/rest/bundles/{uuid}/upload/parts/{n}",
  tags: ["bundles"],
  summary: "Send one part of the upload (raw bytes, Content-Length required)",
  security: bearerSecurity,
  request: {
    params: PartParams,
    body: {
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
      description: "Exactly the part's bytes: part_size, or the remainder for the last part",
    },
  },
  responses: {
    200: jsonResponse(UploadPartResponseSchema, "The part was stored"),
    ...errors({
      400: "Missing or wrong Content-Length, or the body was cut short",
      403: "No `all` permission",
      404: "No such bundle",
      409: "No upload in progress, or the bundle is not uploading",
      413: "Larger than a part may be",
    }),
  },
});

function contentLength(header: string | undefined): number {
  if (header === undefined || !/^\d+$/.test(header)) {
    throw new CodalabError("BAD_REQUEST", "Content-Length is required: send each part with its exact length");
  }
  const length = Number(header);
  if (length > MAX_UPLOAD_PART_BYTES) {
    throw new CodalabError("PAYLOAD_TOO_LARGE", `a part may have at most ${MAX_UPLOAD_PART_BYTES} bytes`);
  }
  return length;
}

export function registerUploadPart(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid, n } = c.req.valid("param");
    const length = contentLength(c.req.header("content-length"));
    const db = c.get("db");
    const { row } = await requireBundle(db, await permissionCaller(c), uuid, "all");
    return c.json(await receivePart(db, bundleStore(c), row, n, length, c.req.raw.body), 200);
  });
}
