/**
 * Decides who is calling. A bearer token (CLI, runner) or the HttpOnly session cookie (web app);
 * a presented token that is expired or revoked is an error even on public routes, so clients
 * learn at once that they must refresh or log in again (a dead cookie is dropped instead). Cookie-authenticated requests that
 * change state must echo the CSRF cookie in `X-CSRF-Token` (double-submit).
 */
import { CodalabError } from "@codalab/core";
import { eq } from "drizzle-orm";
import { deleteCookie, getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { findLiveToken } from "../auth/sessions.ts";
import { users } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";

export const SESSION_COOKIE = "codalab_session";
export const CSRF_COOKIE = "codalab_csrf";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const cookie = getCookie(c, SESSION_COOKIE);
  let token: string | undefined;
  let via: "bearer" | "cookie" = "bearer";
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new CodalabError("UNAUTHENTICATED", "the Authorization header must be 'Bearer <token>'");
    token = match[1];
  } else if (cookie) {
    token = cookie;
    via = "cookie";
  }
  if (token !== undefined) {
    const db = c.get("db");
    const row = await findLiveToken(db, token, via === "cookie" ? ["session"] : ["access"]).catch((error: unknown) => {
      // A dead session cookie must not lock the browser out (it cannot delete an HttpOnly cookie
      // itself): forget it and carry on as anonymous, so the sign-in page works.
      if (via === "cookie") return undefined;
      throw error;
    });
    if (!row) {
      deleteCookie(c, SESSION_COOKIE, { path: "/rest" });
      deleteCookie(c, CSRF_COOKIE, { path: "/" });
      await next();
      return;
    }
    const user = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
    if (!user?.isActive) throw new CodalabError("TOKEN_REVOKED", "this account is no longer active");
    if (via === "cookie" && !SAFE_METHODS.has(c.req.method)) {
      const expected = getCookie(c, CSRF_COOKIE);
      if (!expected || c.req.header("x-csrf-token") !== expected) {
        throw new CodalabError("FORBIDDEN", "missing or wrong X-CSRF-Token header: reload the page and try again");
      }
    }
    c.set("caller", { kind: "user", user, tokenId: row.id, via });
  }
  await next();
});
