import { ChangePasswordRequestSchema, CodalabError } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { hashPassword, verifyPassword } from "../../auth/password.ts";
import { revokeAllSessions } from "../../auth/sessions.ts";
import { authTokens, users } from "../../db/schema.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody } from "../../http/openapi-helpers.ts";

const route = createRoute({
  method: "post",
  path: "/rest/user/password",
  tags: ["users"],
  summary: "Change the signed-in user's password (other sessions are logged out)",
  security: bearerSecurity,
  request: { body: jsonBody(ChangePasswordRequestSchema) },
  responses: {
    204: { description: "Password changed" },
    ...errors({ 400: "Invalid fields", 401: "Not logged in, or the current password is wrong" }),
  },
});

export function registerChangePassword(app: App) {
  app.openapi(route, async (c) => {
    const { user, tokenId } = requireUser(c);
    const { current_password, new_password } = c.req.valid("json");
    if (!(await verifyPassword(current_password, user.passwordHash))) {
      throw new CodalabError("INVALID_CREDENTIALS", "the current password is wrong");
    }
    const db = c.get("db");
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(new_password) })
      .where(eq(users.id, user.id));
    const current = await db.query.authTokens.findFirst({ where: eq(authTokens.id, tokenId) });
    await revokeAllSessions(db, user.id, current);
    return c.body(null, 204);
  });
}
