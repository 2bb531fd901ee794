import { MemoizedRunRequestSchema, MemoizedRunResponseSchema } from "@codalab/core/api/bundle-graph";
import { createRoute } from "@hono/zod-openapi";
import { findMemoizedRun } from "../../bundles/memoized-run.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/memoized",
  tags: ["runs"],
  summary: "The newest readable run with this command and these dependencies (cl run --memoize)",
  description:
    "A lookup, not a change: POST only because a command may be longer than a URL. Dependencies are " +
    "compared as a set of (key, parent, parent path) after normalisation; failed and killed runs are skipped. " +
    "Answers {bundle: null} when there is none.",
  security: bearerSecurity,
  request: { body: jsonBody(MemoizedRunRequestSchema) },
  responses: {
    200: jsonResponse(MemoizedRunResponseSchema, "The run, or null"),
    ...errors({ 400: "Malformed command or dependency" }),
  },
});

export function registerMemoizedRun(app: App) {
  app.openapi(route, async (c) => {
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const access = await findMemoizedRun(db, caller, c.req.valid("json"));
    return c.json({ bundle: access === null ? null : await serializeBundle(db, caller, access) }, 200);
  });
}
