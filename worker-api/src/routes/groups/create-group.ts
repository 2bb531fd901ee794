import { CodalabError, CreateGroupRequestSchema, GroupResponseSchema, validateName } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { groups } from "../../db/schema.ts";
import { runBatch } from "../../db/statement-batch.ts";
import { serializeGroup } from "../../groups/serialize-groups.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { newUuid } from "../../ids.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";

const route = createRoute({
  method: "post",
  path: "/rest/groups",
  tags: ["groups"],
  summary: "Create a group: you become its owner and an admin",
  security: bearerSecurity,
  request: { body: jsonBody(CreateGroupRequestSchema) },
  responses: {
    201: jsonResponse(GroupResponseSchema, "The new group"),
    ...errors({ 400: "Invalid name", 401: "Not logged in", 409: "The name is taken" }),
  },
});

export function registerCreateGroup(app: App) {
  app.openapi(route, async (c) => {
    const { user } = requireUser(c);
    const { name } = c.req.valid("json");
    validateName(name, "group name");
    const db = c.get("db");
    const uuid = newUuid();
    // The unique name index decides races: the membership row is only written if the group was.
    await runBatch(db, [
      sql`insert into groups (uuid, name, owner_id, user_defined) values (${uuid}, ${name}, ${user.id}, 1)
        on conflict do nothing`,
      sql`insert into user_groups (group_uuid, user_id, is_admin)
        select ${uuid}, ${user.id}, 1 where exists (select 1 from groups where uuid = ${uuid})`,
    ]);
    const row = await db.query.groups.findFirst({ where: eq(groups.uuid, uuid) });
    if (row === undefined) {
      throw new CodalabError(
        "ALREADY_EXISTS",
        `a group named ${JSON.stringify(name)} already exists: group names are unique on an instance`,
        { name },
      );
    }
    const caller = await permissionCaller(c);
    return c.json({ group: await serializeGroup(db, caller, row) }, 201);
  });
}
