import { ChownBundlesRequestSchema, ChownBundlesResponseSchema, requireNotFrozen } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { requireBundles } from "../../bundles/bundle-access.ts";
import { runBatch } from "../../db/statement-batch.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { findUserBySpec } from "../../users/find-user.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/owner",
  tags: ["permissions"],
  summary: "Give bundles to another user (`cl chown`); their disk usage moves with them",
  description: "Needs `all` on every bundle; nothing changes unless every bundle may be changed.",
  security: bearerSecurity,
  request: { body: jsonBody(ChownBundlesRequestSchema) },
  responses: {
    200: jsonResponse(ChownBundlesResponseSchema, "The new owner and the bundles"),
    ...errors({
      400: "Not a uuid",
      401: "Not logged in",
      403: "No `all` permission on a bundle",
      404: "No such bundle or user",
      409: "A bundle is frozen",
    }),
  },
});

export function registerChownBundles(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const body = c.req.valid("json");
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const owner = await findUserBySpec(db, body.user);
    const uuids = [...new Set(body.uuids)];
    for (const { row } of await requireBundles(db, caller, uuids, "all")) {
      requireNotFrozen("bundle", row.uuid, row.frozen, "change its owner");
    }
    // disk_used is the sum of data_size over a user's bundles with contents (bundles/disk-quota.ts):
    // take it from the old owners, give it to the new one, then move the bundles, in one transaction.
    const moved = sql`(select value from json_each(${JSON.stringify(uuids)}))`;
    await runBatch(db, [
      sql`update users set disk_used = max(0, disk_used - coalesce((select sum(b.data_size) from bundles b
          where b.owner_id = users.id and b.is_dir is not null and b.uuid in ${moved}), 0))
        where id in (select owner_id from bundles where uuid in ${moved})`,
      sql`update users set disk_used = disk_used + coalesce((select sum(b.data_size) from bundles b
          where b.is_dir is not null and b.uuid in ${moved}), 0)
        where id = ${owner.id}`,
      sql`update bundles set owner_id = ${owner.id} where uuid in ${moved}`,
    ]);
    return c.json({ owner: { id: owner.id, user_name: owner.userName }, uuids }, 200);
  });
}
