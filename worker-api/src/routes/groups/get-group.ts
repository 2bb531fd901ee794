import { GroupResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { callerMembership, requireGroupVisible, resolveGroup } from "../../groups/group-access.ts";
import { serializeGroupWithMembers } from "../../groups/serialize-groups.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { GroupSpecParams } from "./group-route-params.ts";

const route = createRoute({
  method: "get",
  path: "/rest/groups/{spec}",
  tags: ["groups"],
  summary: "One group with its members and their roles (members and instance admins only)",
  security: bearerSecurity,
  request: { params: GroupSpecParams },
  responses: {
    200: jsonResponse(GroupResponseSchema, "The group, with `members`"),
    ...errors({
      401: "Not logged in",
      403: "Not a member of the group",
      404: "No such group",
      409: "An ambiguous uuid prefix",
    }),
  },
});

export function registerGetGroup(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const row = await resolveGroup(db, caller, c.req.valid("param").spec);
    requireGroupVisible(caller, row, await callerMembership(db, caller, row.uuid));
    return c.json({ group: await serializeGroupWithMembers(db, caller, row) }, 200);
  });
}
