import { BundleResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { BundleUuidParams, IncludeQuery, parseInclude } from "./bundle-route-params.ts";

const route = createRoute({
  method: "get",
  path: "/rest/bundles/{uuid}",
  tags: ["bundles"],
  summary: "One bundle, as the caller may see it",
  security: bearerSecurity,
  request: { params: BundleUuidParams, query: IncludeQuery },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The bundle"),
    ...errors({ 400: "Not a uuid, or unknown include", 403: "No read permission", 404: "No such bundle" }),
  },
});

export function registerGetBundle(app: App) {
  app.openapi(route, async (c) => {
    const { uuid } = c.req.valid("param");
    const include = parseInclude(c.req.valid("query").include);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const access = await requireBundle(db, caller, uuid, "read");
    return c.json({ bundle: await serializeBundle(db, caller, access, include) }, 200);
  });
}
