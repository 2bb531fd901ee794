import { SelfUserSchema } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { serializeSelfUser } from "./serialize-user.ts";

const route = createRoute({
  method: "get",
  path: "/rest/user",
  tags: ["users"],
  summary: "Who am I: the signed-in user's account",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(z.object({ user: SelfUserSchema }), "The signed-in user"),
    ...errors({ 401: "Not logged in, or the token expired or was revoked" }),
  },
});

export function registerGetUser(app: App) {
  app.openapi(route, (c) => c.json({ user: serializeSelfUser(requireUser(c).user) }, 200));
}
