import { BundleResponseSchema, UrlUploadRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import { uploadFromUrl } from "../../bundles/url-upload.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams, bundleStore } from "./bundle-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/{uuid}/upload/url",
  tags: ["bundles"],
  summary: "Fill the bundle from a URL the server downloads (`cl upload <URL>`)",
  description:
    "The server downloads the http(s) URL and stores it, unpacking `.tar`, `.tar.gz`/`.tgz` into a directory and " +
    "`.gz` into a file, judged by the URL's file name (`unpack: false` keeps the bytes as they are; `.zip` and " +
    "bzip2 archives are refused unless kept packed). Answers when the bundle is ready. A refused request leaves " +
    "the bundle uploading; a failed download (HTTP status, network, archive, quota) fails it with the reason in " +
    "`failure_message`. Sets `source_url` to the URL unless it was set.",
  security: bearerSecurity,
  request: { params: BundleUuidParams, body: jsonBody(UrlUploadRequestSchema) },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The bundle, now ready"),
    ...errors({
      400: "Not an http(s) URL, credentials in it, a private host, an archive the server cannot unpack, or invalid contents (the bundle is failed)",
      403: "No `all` permission, or over the disk quota (the bundle is failed if it was downloading)",
      404: "No such bundle",
      409: "The bundle is not uploading, or an upload is already in progress",
      413: "Larger than a download may be (the bundle is failed)",
      502: "The URL could not be downloaded: HTTP status, network error, stalled (the bundle is failed)",
    }),
  },
});

export function registerUploadFromUrl(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const { row } = await requireBundle(db, caller, uuid, "all");
    const work = uploadFromUrl(db, bundleStore(c), row, c.req.valid("json"), {
      allowPrivateHosts: c.get("config").urlUploadsAllowPrivateHosts,
      fetch: (url, init) => fetch(url, init),
    });
    // Should the client go away, the download still gets the time the runtime grants to finish.
    c.executionCtx.waitUntil(work.catch(() => undefined));
    await work;
    const access = await requireBundle(db, caller, uuid, "all");
    return c.json({ bundle: await serializeBundle(db, caller, access) }, 200);
  });
}
