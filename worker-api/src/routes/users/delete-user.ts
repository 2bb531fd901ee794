import { DeleteUserResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { deleteUser } from "../../users/delete-user.ts";
import { findUserBySpec } from "../../users/find-user.ts";
import { UserSpecParams } from "./user-route-params.ts";

const route = createRoute({
  method: "delete",
  path: "/rest/users/{spec}",
  tags: ["users"],
  summary: "Delete an account (`cl ufarewell`): your own, or anyone's for admins, once it owns nothing",
  description:
    "Refused (409) while the user owns bundles, worksheets (an empty home worksheet goes with the account) or groups, or their workers are running runs.",
  security: bearerSecurity,
  request: { params: UserSpecParams },
  responses: {
    200: jsonResponse(DeleteUserResponseSchema, "The deleted user"),
    ...errors({
      401: "Not logged in",
      403: "Someone else's account, or an administrator account",
      404: "No such user",
      409: "The user still owns things",
    }),
  },
});

export function registerDeleteUser(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const target = await findUserBySpec(db, c.req.valid("param").spec);
    await deleteUser(db, caller, target);
    return c.json({ deleted: { id: target.id, user_name: target.userName } }, 200);
  });
}
