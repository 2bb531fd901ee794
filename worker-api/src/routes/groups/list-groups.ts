import { GroupListResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { asc, eq, or, sql } from "drizzle-orm";
import { groups } from "../../db/schema.ts";
import { serializeGroups } from "../../groups/serialize-groups.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { PUBLIC_GROUP_UUID } from "../../ids.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";

const route = createRoute({
  method: "get",
  path: "/rest/groups",
  tags: ["groups"],
  summary: "The groups you belong to, `public` first, with your role (admins see every group)",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(GroupListResponseSchema, "Groups"),
    ...errors({ 401: "Not logged in" }),
  },
});

export function registerListGroups(app: App) {
  app.openapi(route, async (c) => {
    const { user } = requireUser(c);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const mine = sql`${groups.uuid} in (select ug.group_uuid from user_groups ug where ug.user_id = ${user.id})`;
    const rows = await db
      .select()
      .from(groups)
      .where(user.isAdmin ? undefined : or(eq(groups.uuid, PUBLIC_GROUP_UUID), mine))
      .orderBy(sql`${groups.userDefined} != 0`, asc(groups.name));
    return c.json({ groups: await serializeGroups(db, caller, rows) }, 200);
  });
}
