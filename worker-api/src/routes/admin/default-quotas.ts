import { CodalabError, DefaultQuotasResponseSchema, UpdateDefaultQuotasRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { readDefaultQuotas, updateDefaultQuotas } from "../../admin/default-quotas.ts";
import type { App } from "../../http/app-type.ts";
import { requireAdmin } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";

const adminErrors = { 401: "Not logged in", 403: "Not an administrator" };

const getRoute = createRoute({
  method: "get",
  path: "/rest/admin/default-quotas",
  tags: ["admin"],
  summary: "The quotas new accounts get (`cl default-quotas`)",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(DefaultQuotasResponseSchema, "Seconds, bytes and a count; which an admin set"),
    ...errors(adminErrors),
  },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/rest/admin/default-quotas",
  tags: ["admin"],
  summary: "Change the quotas new accounts get (`cl default-quotas -t/-d/-p`); existing accounts keep theirs",
  security: bearerSecurity,
  request: { body: jsonBody(UpdateDefaultQuotasRequestSchema) },
  responses: {
    200: jsonResponse(DefaultQuotasResponseSchema, "The default quotas now"),
    ...errors({ 400: "Unknown field, a negative or fractional value, or nothing to change", ...adminErrors }),
  },
});

export function registerDefaultQuotas(app: App) {
  app.openapi(getRoute, async (c) => {
    requireAdmin(c);
    return c.json(await readDefaultQuotas(c.get("db"), c.get("config")), 200);
  });
  app.openapi(patchRoute, async (c) => {
    const { user } = requireAdmin(c);
    const changes = c.req.valid("json");
    if (Object.keys(changes).length === 0) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        "nothing to change: give time_quota, disk_quota or parallel_run_quota",
      );
    }
    return c.json(await updateDefaultQuotas(c.get("db"), c.get("config"), changes, user.id), 200);
  });
}
