import { LogoutRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { deleteCookie } from "hono/cookie";
import { findLiveToken, revokeTokenTree } from "../../auth/sessions.ts";
import { authTokens } from "../../db/schema.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors } from "../../http/openapi-helpers.ts";
import { CSRF_COOKIE, SESSION_COOKIE } from "../../middleware/authenticate.ts";

const route = createRoute({
  method: "post",
  path: "/rest/auth/logout",
  tags: ["auth"],
  summary: "Log out: revoke this session's tokens",
  security: bearerSecurity,
  request: { body: { content: { "application/json": { schema: LogoutRequestSchema } }, required: false } },
  responses: { 204: { description: "Logged out" }, ...errors({ 401: "Not logged in" }) },
});

export function registerLogout(app: App) {
  app.openapi(route, async (c) => {
    const caller = requireUser(c);
    const db = c.get("db");
    const current = await db.query.authTokens.findFirst({ where: eq(authTokens.id, caller.tokenId) });
    // An access token's session is its parent refresh token; revoking that revokes both.
    await revokeTokenTree(db, current?.parentId ?? caller.tokenId);
    const { refresh_token } = c.req.valid("json");
    if (refresh_token) {
      const refresh = await findLiveToken(db, refresh_token, ["refresh"]).catch(() => undefined);
      if (refresh && refresh.userId === caller.user.id) await revokeTokenTree(db, refresh.id);
    }
    if (caller.via === "cookie") {
      deleteCookie(c, SESSION_COOKIE, { path: "/rest" });
      deleteCookie(c, CSRF_COOKIE, { path: "/" });
    }
    return c.body(null, 204);
  });
}
