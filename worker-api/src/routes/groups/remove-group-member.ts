import { CodalabError, checkMemberChange, GroupResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { userGroups } from "../../db/schema.ts";
import { callerMembership, groupFacts, resolveGroup } from "../../groups/group-access.ts";
import { serializeGroup } from "../../groups/serialize-groups.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { findUserBySpec } from "../../users/find-user.ts";
import { GroupMemberParams } from "./group-route-params.ts";

const route = createRoute({
  method: "delete",
  path: "/rest/groups/{spec}/members/{user}",
  tags: ["groups"],
  summary: "Remove a user from a group (owner and group admins; any member may leave)",
  security: bearerSecurity,
  request: { params: GroupMemberParams },
  responses: {
    200: jsonResponse(GroupResponseSchema, "The group, with your role after the change"),
    ...errors({
      401: "Not logged in",
      403: "Not an admin of the group, or the public group",
      404: "No such group or user, or the user is not a member",
      409: "The owner cannot be removed, or an ambiguous uuid prefix",
    }),
  },
});

export function registerRemoveGroupMember(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const params = c.req.valid("param");
    const row = await resolveGroup(db, caller, params.spec);
    const member = await findUserBySpec(db, params.user);
    checkMemberChange(caller, groupFacts(row), await callerMembership(db, caller, row.uuid), member.id, {
      kind: "remove",
    });
    const removed = await db
      .delete(userGroups)
      .where(and(eq(userGroups.groupUuid, row.uuid), eq(userGroups.userId, member.id)))
      .returning({ userId: userGroups.userId });
    if (removed.length === 0) {
      throw new CodalabError("NOT_FOUND", `${member.userName} is not a member of group ${row.name}(${row.uuid})`, {
        kind: "membership",
      });
    }
    return c.json({ group: await serializeGroup(db, caller, row) }, 200);
  });
}
