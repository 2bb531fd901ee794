import { checkMemberChange, GroupResponseSchema, SetGroupMemberRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { callerMembership, groupFacts, resolveGroup } from "../../groups/group-access.ts";
import { serializeGroupWithMembers } from "../../groups/serialize-groups.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { findUserBySpec } from "../../users/find-user.ts";
import { GroupMemberParams } from "./group-route-params.ts";

const route = createRoute({
  method: "put",
  path: "/rest/groups/{spec}/members/{user}",
  tags: ["groups"],
  summary: "Add a user to a group, or change their role (owner and group admins)",
  security: bearerSecurity,
  request: { params: GroupMemberParams, body: jsonBody(SetGroupMemberRequestSchema) },
  responses: {
    200: jsonResponse(GroupResponseSchema, "The group, with `members`"),
    ...errors({
      401: "Not logged in",
      403: "Not an admin of the group, or the public group",
      404: "No such group or user",
      409: "The owner cannot be demoted, or an ambiguous uuid prefix",
    }),
  },
});

export function registerSetGroupMember(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const params = c.req.valid("param");
    const { is_admin } = c.req.valid("json");
    const row = await resolveGroup(db, caller, params.spec);
    const member = await findUserBySpec(db, params.user);
    checkMemberChange(caller, groupFacts(row), await callerMembership(db, caller, row.uuid), member.id, {
      kind: "set",
      isAdmin: is_admin,
    });
    await db.run(
      sql`insert into user_groups (group_uuid, user_id, is_admin) values (${row.uuid}, ${member.id}, ${is_admin ? 1 : 0})
        on conflict (group_uuid, user_id) do update set is_admin = excluded.is_admin`,
    );
    return c.json({ group: await serializeGroupWithMembers(db, caller, row) }, 200);
  });
}
