import { parseUserKeywords, UserSearchResponseSchema } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { serializeUserJson } from "../../users/serialize-user-json.ts";
import { searchUsers } from "../../users/user-search.ts";
import { RepeatedQuery } from "../bundles/bundle-route-params.ts";

const SearchQuery = z.object({
  keywords: RepeatedQuery.openapi({ description: "Search keywords (`cl uls` language)" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/users",
  tags: ["users"],
  summary: "Search users (`cl uls`): public fields; private fields and filters for admins only",
  description: "Answers {users, total}, or {result} for .count.",
  security: bearerSecurity,
  request: { query: SearchQuery },
  responses: {
    200: jsonResponse(UserSearchResponseSchema, "Users or a count"),
    ...errors({ 400: "Invalid keyword", 401: "Not logged in", 403: "A private field, for admins only" }),
  },
});

export function registerSearchUsers(app: App) {
  app.openapi(route, async (c) => {
    const { user } = requireUser(c);
    const caller = await permissionCaller(c);
    const result = await searchUsers(c.get("db"), parseUserKeywords(c.req.valid("query").keywords), user.isAdmin);
    if (result.kind === "aggregate") return c.json({ result: result.result }, 200);
    return c.json({ users: result.rows.map((row) => serializeUserJson(caller, row)), total: result.total }, 200);
  });
}
