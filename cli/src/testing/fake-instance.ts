/**
 * An in-memory stand-in for the API's auth and user endpoints, reached through a fake fetch, so
 * the client's login/refresh/logout logic and the commands run without a server.
 */
import type { FetchLike } from "../api/api-client.ts";
import { isRecord } from "../parse/json-fields.ts";

export const FAKE_ADDRESS = "http://fake.test";

type FakeUser = { id: string; user_name: string; password: string; is_admin?: boolean };
type Token = { user: FakeUser; kind: "access" | "refresh"; expiresAt: number; revoked: boolean };

export type FakeInstance = {
  fetch: FetchLike;
  /** "METHOD /path" of every request, in order. */
  readonly calls: string[];
  /** Authorization headers seen, in order ("" when none). */
  readonly authorizations: string[];
  /** Makes every access token issued so far expired. */
  expireAccessTokens(): void;
  /** Revokes every token issued so far (what an administrator's reset would do). */
  revokeEverything(): void;
  /** Simulates another process refreshing: rotates the given refresh token and returns the new grant. */
  refreshElsewhere(refreshToken: string): Promise<{ access_token: string; refresh_token: string }>;
  /** The next response to this route is replaced by the given one. */
  failNext(route: string, response: () => Response): void;
};

export function selfUser(user: { id: string; user_name: string; is_admin?: boolean }) {
  return {
    id: user.id,
    user_name: user.user_name,
    email: `${user.user_name}@example.org`,
    first_name: null,
    last_name: null,
    affiliation: null,
    url: null,
    is_admin: user.is_admin ?? false,
    date_joined: 1_700_000_000,
    last_login: null,
    time_quota: 100,
    time_used: 0,
    disk_quota: 100,
    disk_used: 0,
    parallel_run_quota: 3,
  };
}

export function createFakeInstance(
  options: {
    address?: string;
    users?: FakeUser[];
    accessTtlSeconds?: number;
    version?: string;
    now?: () => number;
  } = {},
): FakeInstance {
  const address = options.address ?? FAKE_ADDRESS;
  const users = options.users ?? [{ id: "0", user_name: "admin", password: "admin-password", is_admin: true }];
  const ttl = options.accessTtlSeconds ?? 900;
  const now = options.now ?? Date.now;
  const tokens = new Map<string, Token>();
  const calls: string[] = [];
  const authorizations: string[] = [];
  const overrides = new Map<string, () => Response>();
  let counter = 0;

  const issue = (user: FakeUser) => {
    counter += 1;
    const access = `access-${counter}`;
    const refresh = `refresh-${counter}`;
    tokens.set(access, { user, kind: "access", expiresAt: now() + ttl * 1000, revoked: false });
    tokens.set(refresh, { user, kind: "refresh", expiresAt: now() + 30 * 86_400_000, revoked: false });
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: "Bearer",
      expires_in: ttl,
      user: selfUser(user),
    };
  };

  const caller = (request: Request): Token | Response => {
    const header = request.headers.get("authorization") ?? "";
    const token = tokens.get(header.replace(/^Bearer /, ""));
    if (token?.kind !== "access") return failure(401, "UNAUTHENTICATED", "log in first");
    if (token.revoked) return failure(401, "TOKEN_REVOKED", "this session was revoked");
    if (token.expiresAt <= now()) return failure(401, "TOKEN_EXPIRED", "the access token expired");
    return token;
  };

  const refresh = (refreshToken: string) => {
    const token = tokens.get(refreshToken);
    if (token?.kind !== "refresh" || token.revoked) {
      return failure(401, "TOKEN_REVOKED", "the refresh token was revoked");
    }
    token.revoked = true;
    return json(200, issue(token.user));
  };

  const handle = async (request: Request): Promise<Response> => {
    const route = `${request.method} ${new URL(request.url).pathname}`;
    const override = overrides.get(route);
    if (override) {
      overrides.delete(route);
      return override();
    }
    const parsed: unknown = request.method === "POST" ? await request.json().catch(() => ({})) : {};
    const body = isRecord(parsed) ? parsed : {};
    switch (route) {
      case "GET /rest/version":
        return json(200, { version: options.version ?? "0.1.0", api_version: "0.1.0" });
      case "POST /rest/auth/login": {
        const user = users.find((candidate) => candidate.user_name === body.username);
        if (!user || user.password !== body.password) {
          return failure(401, "INVALID_CREDENTIALS", "wrong user name or password");
        }
        return json(200, issue(user));
      }
      case "POST /rest/auth/refresh":
        return refresh(String(body.refresh_token));
      case "POST /rest/auth/logout": {
        const token = caller(request);
        if (token instanceof Response) return token;
        token.revoked = true;
        const refreshToken = tokens.get(String(body.refresh_token));
        if (refreshToken) refreshToken.revoked = true;
        return new Response(null, { status: 204 });
      }
      case "GET /rest/user": {
        const token = caller(request);
        if (token instanceof Response) return token;
        return json(200, { user: selfUser(token.user) });
      }
      default:
        return failure(404, "ROUTE_NOT_FOUND", `no route ${route}`);
    }
  };

  return {
    calls,
    authorizations,
    fetch: async (url, init) => {
      const request = new Request(url, init);
      if (!url.startsWith(`${address}/`)) {
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
        });
      }
      calls.push(`${request.method} ${new URL(url).pathname}`);
      authorizations.push(request.headers.get("authorization") ?? "");
      return handle(request);
    },
    expireAccessTokens() {
      for (const token of tokens.values()) if (token.kind === "access") token.expiresAt = 0;
    },
    revokeEverything() {
      for (const token of tokens.values()) token.revoked = true;
    },
    async refreshElsewhere(refreshToken) {
      const response = refresh(refreshToken);
      return (await response.json()) as { access_token: string; refresh_token: string };
    },
    failNext(route, response) {
      overrides.set(route, response);
    },
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function failure(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message, requestId: "req-test" } });
}
