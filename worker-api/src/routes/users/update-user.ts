import { checkUserUpdate, UpdateUserRequestSchema, UserResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { users } from "../../db/schema.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { findUserBySpec } from "../../users/find-user.ts";
import { serializeUserJson } from "../../users/serialize-user-json.ts";
import { UserSpecParams } from "./user-route-params.ts";

const route = createRoute({
  method: "patch",
  path: "/rest/users/{spec}",
  tags: ["users"],
  summary: "Edit a user (`cl uedit`): your own profile; quotas and other users for admins",
  description: 'Profile fields take a string, or "" / null to clear them. Quotas are seconds and bytes.',
  security: bearerSecurity,
  request: { params: UserSpecParams, body: jsonBody(UpdateUserRequestSchema) },
  responses: {
    200: jsonResponse(UserResponseSchema, "The edited user"),
    ...errors({
      400: "Invalid or unknown field, or nothing to change",
      401: "Not logged in",
      403: "Someone else's account, or a quota (admins only)",
      404: "No such user",
    }),
  },
});

const emptyToNull = (value: string | null | undefined) => (value === "" ? null : value);

export function registerUpdateUser(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const target = await findUserBySpec(db, c.req.valid("param").spec);
    const body = c.req.valid("json");
    checkUserUpdate(
      caller,
      target.id,
      Object.keys(body).filter((key) => body[key as keyof typeof body] !== undefined),
    );
    const [updated] = await db
      .update(users)
      .set({
        firstName: emptyToNull(body.first_name),
        lastName: emptyToNull(body.last_name),
        affiliation: emptyToNull(body.affiliation),
        url: emptyToNull(body.url),
        timeQuota: body.time_quota,
        diskQuota: body.disk_quota,
        parallelRunQuota: body.parallel_run_quota,
        hasAccess: body.has_access,
      })
      .where(eq(users.id, target.id))
      .returning();
    return c.json({ user: serializeUserJson(caller, updated ?? target) }, 200);
  });
}
