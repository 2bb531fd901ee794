import {
  PermissionChangeResponseSchema,
  parsePermission,
  requireNotFrozen,
  SetBundlePermissionsRequestSchema,
} from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundles } from "../../bundles/bundle-access.ts";
import { resolveGroup } from "../../groups/group-access.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { setGroupPermissionStatement } from "../../permissions/set-group-permission.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/permissions",
  tags: ["permissions"],
  summary: "Set a group's permission (none, read, all) on bundles (`cl perm`)",
  description: "Needs `all` on every bundle; nothing changes unless every bundle may be changed.",
  security: bearerSecurity,
  request: { body: jsonBody(SetBundlePermissionsRequestSchema) },
  responses: {
    200: jsonResponse(PermissionChangeResponseSchema, "The group, the level set and the bundles"),
    ...errors({
      400: "Not a permission (n/none, r/read, a/all), or not a uuid",
      401: "Not logged in",
      403: "No `all` permission on a bundle",
      404: "No such bundle or group",
      409: "A bundle is frozen, or an ambiguous group prefix",
    }),
  },
});

export function registerSetBundlePermissions(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const body = c.req.valid("json");
    const level = parsePermission(body.permission);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const group = await resolveGroup(db, caller, body.group);
    const uuids = [...new Set(body.uuids)];
    for (const { row } of await requireBundles(db, caller, uuids, "all")) {
      requireNotFrozen("bundle", row.uuid, row.frozen, "change its permissions");
    }
    await db.run(setGroupPermissionStatement("bundle", uuids, group.uuid, level));
    return c.json({ group: { uuid: group.uuid, name: group.name }, permission: level, uuids }, 200);
  });
}
