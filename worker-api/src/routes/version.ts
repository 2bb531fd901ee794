import { API_VERSION, CLIENT_VERSION, VersionResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../http/app-type.ts";
import { jsonResponse } from "../http/openapi-helpers.ts";

const route = createRoute({
  method: "get",
  path: "/rest/version",
  tags: ["instance"],
  summary: "Server and API versions",
  responses: { 200: jsonResponse(VersionResponseSchema, "Versions") },
});

export function registerVersion(app: App) {
  app.openapi(route, (c) => c.json({ version: CLIENT_VERSION, api_version: API_VERSION }, 200));
}
