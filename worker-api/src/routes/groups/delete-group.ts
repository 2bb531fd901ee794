import { GroupResponseSchema, requireGroupManager } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/statement-batch.ts";
import { callerMembership, groupFacts, resolveGroup } from "../../groups/group-access.ts";
import { serializeGroup } from "../../groups/serialize-groups.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { GroupSpecParams } from "./group-route-params.ts";

const route = createRoute({
  method: "delete",
  path: "/rest/groups/{spec}",
  tags: ["groups"],
  summary: "Delete a group with its memberships and the permissions it was given (owner and group admins)",
  security: bearerSecurity,
  request: { params: GroupSpecParams },
  responses: {
    200: jsonResponse(GroupResponseSchema, "The group as it was"),
    ...errors({
      401: "Not logged in",
      403: "Not an admin of the group, or the public group",
      404: "No such group",
      409: "An ambiguous uuid prefix",
    }),
  },
});

export function registerDeleteGroup(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const row = await resolveGroup(db, caller, c.req.valid("param").spec);
    requireGroupManager(caller, groupFacts(row), await callerMembership(db, caller, row.uuid));
    const group = await serializeGroup(db, caller, row);
    // Workers that served the group go back to serving their owner only.
    await runBatch(db, [
      sql`delete from group_bundle_permissions where group_uuid = ${row.uuid}`,
      sql`delete from group_worksheet_permissions where group_uuid = ${row.uuid}`,
      sql`update workers set group_uuid = null where group_uuid = ${row.uuid}`,
      sql`delete from user_groups where group_uuid = ${row.uuid}`,
      sql`delete from groups where uuid = ${row.uuid}`,
    ]);
    return c.json({ group: { ...group, role: null } }, 200);
  });
}
