/**
 * Decides who is calling. A bearer token (CLI, runner) or the HttpOnly session cookie (web app);
 * a worker token (`clw_…`) for a runner, only on the routes auth/worker-scope.ts allows;
 * a presented token that is expired or revoked is an error even on public routes, so clients
 * learn at once that they must refresh or log in again (a dead cookie is dropped instead). Cookie-authenticated requests that
 * change state must echo the CSRF cookie in `X-CSRF-Token` (double-submit).
 */
import { CodalabError, WORKER_TOKEN_PREFIX } from "@codalab/core";
import { deleteCookie, getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { findLiveTokenWithUser } from "../auth/sessions.ts";
import type { TokenKind } from "../auth/token-hash.ts";
import { requireAccess } from "../auth/user-access.ts";
import { requireWorkerScope } from "../auth/worker-scope.ts";
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
    // A worker token (`clw_…`) is a bearer token of its own kind, with a narrow scope.
    const kinds: TokenKind[] =
      via === "cookie" ? ["session"] : token.startsWith(WORKER_TOKEN_PREFIX) ? ["worker"] : ["access"];
    const found = await findLiveTokenWithUser(db, token, kinds).catch((error: unknown) => {
      // A dead session cookie must not lock the browser out (it cannot delete an HttpOnly cookie
      // itself): forget it and carry on as anonymous, so the sign-in page works.
      if (via === "cookie") return undefined;
      throw error;
    });
    if (!found) {
      deleteCookie(c, SESSION_COOKIE, { path: "/rest" });
      deleteCookie(c, CSRF_COOKIE, { path: "/" });
      await next();
      return;
    }
    const { row, user } = found;
    if (!user?.isActive) throw new CodalabError("TOKEN_REVOKED", "this account is no longer active");
    requireAccess(user, c.req.method, new URL(c.req.url).pathname);
    if (via === "cookie" && !SAFE_METHODS.has(c.req.method)) {
      const expected = getCookie(c, CSRF_COOKIE);
      if (!expected || c.req.header("x-csrf-token") !== expected) {
        throw new CodalabError("FORBIDDEN", "missing or wrong X-CSRF-Token header: reload the page and try again");
      }
    }
    if (row.kind === "worker") {
      if (row.workerId === null) throw new CodalabError("UNAUTHENTICATED", "the worker token names no worker");
      await requireWorkerScope(db, row.workerId, c.req.raw);
      c.set("caller", { kind: "user", user, tokenId: row.id, via: "worker", workerId: row.workerId });
    } else {
      c.set("caller", { kind: "user", user, tokenId: row.id, via });
    }
  }
  await next();
});
