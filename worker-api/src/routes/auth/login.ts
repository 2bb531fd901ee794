import { CodalabError, CookieLoginResponseSchema, LoginRequestSchema, TokenResponseSchema } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { setCookie } from "hono/cookie";
import { UNUSABLE_HASH, verifyPassword } from "../../auth/password.ts";
import { issueCookieSession, issueTokenPair } from "../../auth/sessions.ts";
import { newToken } from "../../auth/token-hash.ts";
import { users } from "../../db/schema.ts";
import type { App } from "../../http/app-type.ts";
import { errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { CSRF_COOKIE, SESSION_COOKIE } from "../../middleware/authenticate.ts";
import { serializeSelfUser } from "../user/serialize-user.ts";

const route = createRoute({
  method: "post",
  path: "/rest/auth/login",
  tags: ["auth"],
  summary: "Log in with a user name or e-mail and a password",
  description:
    'Returns an access and a refresh token, or with `session: "cookie"` sets an HttpOnly session cookie and a CSRF cookie (web app).',
  request: { body: jsonBody(LoginRequestSchema) },
  responses: {
    200: jsonResponse(z.union([TokenResponseSchema, CookieLoginResponseSchema]), "Logged in"),
    ...errors({ 400: "Invalid fields", 401: "Wrong user name or password" }),
  },
});

export function registerLogin(app: App) {
  app.openapi(route, async (c) => {
    const { username, password, session } = c.req.valid("json");
    const db = c.get("db");
    const config = c.get("config");
    const user = await db.query.users.findFirst({
      where: sql`lower(${users.userName}) = lower(${username}) or lower(${users.email}) = lower(${username})`,
    });
    // Hash even when the user is unknown so timing does not reveal which user names exist.
    const valid = await verifyPassword(password, user?.passwordHash ?? UNUSABLE_HASH);
    if (!user || !valid || !user.isActive) {
      throw new CodalabError("INVALID_CREDENTIALS", "wrong user name or password");
    }
    const lastLogin = Math.floor(Date.now() / 1000);
    await db.update(users).set({ lastLogin }).where(eq(users.id, user.id));
    const self = serializeSelfUser({ ...user, lastLogin });
    if (session === "cookie") {
      const sessionToken = await issueCookieSession(db, config, user.id);
      const csrf = newToken("session").slice(4);
      const secure = new URL(c.req.url).protocol === "https:";
      const maxAge = config.cookieSessionTtl;
      setCookie(c, SESSION_COOKIE, sessionToken, { httpOnly: true, sameSite: "Lax", path: "/rest", secure, maxAge });
      setCookie(c, CSRF_COOKIE, csrf, { httpOnly: false, sameSite: "Strict", path: "/", secure, maxAge });
      return c.json({ user: self, csrf_token: csrf }, 200);
    }
    const pair = await issueTokenPair(db, config, user.id);
    return c.json(
      {
        access_token: pair.accessToken,
        refresh_token: pair.refreshToken,
        token_type: "Bearer" as const,
        expires_in: pair.expiresIn,
        user: self,
      },
      200,
    );
  });
}
