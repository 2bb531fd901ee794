import { UserResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { findUserBySpec } from "../../users/find-user.ts";
import { serializeUserJson } from "../../users/serialize-user-json.ts";
import { UserSpecParams } from "./user-route-params.ts";

const route = createRoute({
  method: "get",
  path: "/rest/users/{spec}",
  tags: ["users"],
  summary: "One user (`cl uinfo`): public fields, and private ones for yourself and admins",
  security: bearerSecurity,
  request: { params: UserSpecParams },
  responses: {
    200: jsonResponse(UserResponseSchema, "The user"),
    ...errors({ 404: "No such user" }),
  },
});

export function registerGetUserBySpec(app: App) {
  app.openapi(route, async (c) => {
    const caller = await permissionCaller(c);
    const user = await findUserBySpec(c.get("db"), c.req.valid("param").spec);
    return c.json({ user: serializeUserJson(caller, user) }, 200);
  });
}
