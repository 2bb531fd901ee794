import {
  PermissionChangeResponseSchema,
  parsePermission,
  requireNotFrozen,
  SetWorksheetPermissionRequestSchema,
} from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { resolveGroup } from "../../groups/group-access.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { setGroupPermissionStatement } from "../../permissions/set-group-permission.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";
import { WorksheetUuidParams } from "../worksheets/worksheet-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/worksheets/{uuid}/permissions",
  tags: ["permissions"],
  summary: "Set a group's permission (none, read, all) on a worksheet (`cl wperm`)",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, body: jsonBody(SetWorksheetPermissionRequestSchema) },
  responses: {
    200: jsonResponse(PermissionChangeResponseSchema, "The group, the level set and the worksheet"),
    ...errors({
      400: "Not a permission (n/none, r/read, a/all), or not a uuid",
      401: "Not logged in",
      403: "No `all` permission on the worksheet",
      404: "No such worksheet or group",
      409: "The worksheet is frozen, or an ambiguous group prefix",
    }),
  },
});

export function registerSetWorksheetPermission(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const body = c.req.valid("json");
    const level = parsePermission(body.permission);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const group = await resolveGroup(db, caller, body.group);
    const { row } = await requireWorksheetAccess(db, caller, uuid, "all");
    requireNotFrozen("worksheet", uuid, row.frozen, "change its permissions");
    await db.run(setGroupPermissionStatement("worksheet", [uuid], group.uuid, level));
    return c.json({ group: { uuid: group.uuid, name: group.name }, permission: level, uuids: [uuid] }, 200);
  });
}
