import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";

type ErrorBody = { error: { code: string; message: string; requestId?: string; details?: unknown } };

describe("sign up", () => {
  it("creates an account with default quotas and returns it", async () => {
    const name = uniqueName();
    const res = await api<{ user: Record<string, unknown> }>("POST", "/rest/auth/signup", {
      body: { user_name: name, email: `${name}@example.org`, password: "long enough pw", first_name: "Ada" },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ user_name: name, first_name: "Ada", is_admin: false, disk_used: 0 });
    expect(res.body.user.disk_quota).toBe(1024 ** 4);
    expect(res.body.user).not.toHaveProperty("password_hash");
  });

  it("refuses a taken user name or e-mail with 409 naming the field, whatever the case", async () => {
    const { userName, email } = await signUpAndLogIn();
    const sameName = await api<ErrorBody>("POST", "/rest/auth/signup", {
      body: { user_name: userName.toUpperCase(), email: "other@example.org", password: "long enough pw" },
    });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.code).toBe("ALREADY_EXISTS");
    expect(sameName.body.error.message).toContain("user_name");
    const sameEmail = await api<ErrorBody>("POST", "/rest/auth/signup", {
      body: { user_name: uniqueName(), email: email.toUpperCase(), password: "long enough pw" },
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.message).toContain("email");
  });

  it("refuses a user name outside CodaLab's name rule with 400", async () => {
    const res = await api<ErrorBody>("POST", "/rest/auth/signup", {
      body: { user_name: "9 lives!", email: "nine@example.org", password: "long enough pw" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toMatch(/^user_name must start with a letter/);
  });

  it("names every missing field", async () => {
    const res = await api<ErrorBody>("POST", "/rest/auth/signup", { body: { user_name: uniqueName() } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("email is required");
    expect(res.body.error.message).toContain("password is required");
    expect(res.body.error.details).toMatchObject({
      fields: expect.arrayContaining([{ field: "email", message: "email is required" }]),
    });
  });

  it("answers malformed JSON with 400 and the error envelope", async () => {
    const res = await api<ErrorBody>("POST", "/rest/auth/signup", { rawBody: "{not json" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.requestId).toBeTruthy();
  });
});

describe("log in", () => {
  it("accepts the user name or the e-mail and returns a token pair", async () => {
    const { userName, email, password } = await signUpAndLogIn();
    for (const username of [userName, email]) {
      const res = await api<{ access_token: string; refresh_token: string; token_type: string; expires_in: number }>(
        "POST",
        "/rest/auth/login",
        { body: { username, password } },
      );
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe("Bearer");
      expect(res.body.expires_in).toBe(3600);
      expect(res.body.access_token).toMatch(/^cla_/);
      expect(res.body.refresh_token).toMatch(/^clr_/);
    }
  });

  it("answers a wrong password with 401 INVALID_CREDENTIALS, the same as an unknown user", async () => {
    const { userName } = await signUpAndLogIn();
    const wrong = await api<ErrorBody>("POST", "/rest/auth/login", {
      body: { username: userName, password: "nope nope" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: "INVALID_CREDENTIALS", message: "wrong user name or password" });
    const unknown = await api<ErrorBody>("POST", "/rest/auth/login", {
      body: { username: "nobody_here", password: "x" },
    });
    expect(unknown.body.error).toEqual(
      wrong.body.error.code === "INVALID_CREDENTIALS" ? { ...unknown.body.error } : {},
    );
    expect(unknown.body.error.code).toBe("INVALID_CREDENTIALS");
  });

  it("creates the admin account from configuration on first start", async () => {
    const res = await api<{ user: { user_name: string; is_admin: boolean } }>("POST", "/rest/auth/login", {
      body: { username: "codalab", password: env.ADMIN_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ user_name: "codalab", is_admin: true });
  });
});

describe("tokens", () => {
  it("identifies the caller with GET /rest/user", async () => {
    const { userName, accessToken } = await signUpAndLogIn();
    const res = await api<{ user: { user_name: string } }>("GET", "/rest/user", { token: accessToken });
    expect(res.status).toBe(200);
    expect(res.body.user.user_name).toBe(userName);
  });

  it("refuses /rest/user without a token", async () => {
    const res = await api<ErrorBody>("GET", "/rest/user");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("rotates the pair on refresh and refuses the old refresh token afterwards", async () => {
    const { refreshToken, accessToken } = await signUpAndLogIn();
    const refreshed = await api<{ access_token: string; refresh_token: string }>("POST", "/rest/auth/refresh", {
      body: { refresh_token: refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(refreshToken);
    expect((await api("GET", "/rest/user", { token: refreshed.body.access_token })).status).toBe(200);
    const reused = await api<ErrorBody>("POST", "/rest/auth/refresh", { body: { refresh_token: refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe("TOKEN_REVOKED");
    const oldAccess = await api<ErrorBody>("GET", "/rest/user", { token: accessToken });
    expect(oldAccess.body.error.code).toBe("TOKEN_REVOKED");
  });

  it("answers an expired access token with 401 TOKEN_EXPIRED", async () => {
    const { accessToken } = await signUpAndLogIn();
    await env.DB.prepare("update auth_tokens set expires_at = 1 where kind = 'access'").run();
    const res = await api<ErrorBody>("GET", "/rest/user", { token: accessToken });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("TOKEN_EXPIRED");
  });

  it("revokes the session on logout", async () => {
    const { accessToken, refreshToken } = await signUpAndLogIn();
    const out = await api("POST", "/rest/auth/logout", { token: accessToken, body: {} });
    expect(out.status).toBe(204);
    const after = await api<ErrorBody>("GET", "/rest/user", { token: accessToken });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("TOKEN_REVOKED");
    const refresh = await api<ErrorBody>("POST", "/rest/auth/refresh", { body: { refresh_token: refreshToken } });
    expect(refresh.body.error.code).toBe("TOKEN_REVOKED");
  });

  it("refuses a malformed Authorization header", async () => {
    const res = await api<ErrorBody>("GET", "/rest/user", { headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain("Bearer");
  });
});

describe("change password", () => {
  it("changes it, keeps this session and logs out the others", async () => {
    const { userName, password, accessToken } = await signUpAndLogIn();
    const other = await api<{ access_token: string }>("POST", "/rest/auth/login", {
      body: { username: userName, password },
    });
    const res = await api("POST", "/rest/user/password", {
      token: accessToken,
      body: { current_password: password, new_password: "a new long password" },
    });
    expect(res.status).toBe(204);
    expect((await api("GET", "/rest/user", { token: accessToken })).status).toBe(200);
    expect((await api("GET", "/rest/user", { token: other.body.access_token })).status).toBe(401);
    const oldLogin = await api("POST", "/rest/auth/login", { body: { username: userName, password } });
    expect(oldLogin.status).toBe(401);
    const newLogin = await api("POST", "/rest/auth/login", {
      body: { username: userName, password: "a new long password" },
    });
    expect(newLogin.status).toBe(200);
  });

  it("refuses a wrong current password and a short new one", async () => {
    const { accessToken } = await signUpAndLogIn();
    const wrong = await api<ErrorBody>("POST", "/rest/user/password", {
      token: accessToken,
      body: { current_password: "not it at all", new_password: "a new long password" },
    });
    expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
    const short = await api<ErrorBody>("POST", "/rest/user/password", {
      token: accessToken,
      body: { current_password: "x", new_password: "short" },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain("new_password");
  });
});

describe("cookie sessions (web app)", () => {
  async function cookieLogin() {
    const { userName, password } = await signUpAndLogIn();
    const res = await api<{ csrf_token: string }>("POST", "/rest/auth/login", {
      body: { username: userName, password, session: "cookie" },
    });
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("codalab_session="))?.split(";")[0] ?? "";
    return { res, cookie: `${session}; codalab_csrf=${res.body.csrf_token}`, csrf: res.body.csrf_token, cookies };
  }

  it("sets an HttpOnly session cookie and a CSRF cookie", async () => {
    const { res, cookies } = await cookieLogin();
    expect(res.status).toBe(200);
    expect(cookies.find((c) => c.startsWith("codalab_session="))).toMatch(/HttpOnly/);
    expect(cookies.find((c) => c.startsWith("codalab_csrf="))).not.toMatch(/HttpOnly/);
  });

  it("reads with the cookie alone but refuses changes without the CSRF header", async () => {
    const { cookie, csrf } = await cookieLogin();
    expect((await api("GET", "/rest/user", { headers: { cookie } })).status).toBe(200);
    const noCsrf = await api<ErrorBody>("POST", "/rest/auth/logout", { headers: { cookie }, body: {} });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.message).toContain("X-CSRF-Token");
    const withCsrf = await api("POST", "/rest/auth/logout", { headers: { cookie, "x-csrf-token": csrf }, body: {} });
    expect(withCsrf.status).toBe(204);
  });

  it("treats a revoked session cookie as signed out so the user can log in again", async () => {
    const { cookie, csrf } = await cookieLogin();
    await api("POST", "/rest/auth/logout", { headers: { cookie, "x-csrf-token": csrf }, body: {} });
    const after = await api<ErrorBody>("GET", "/rest/user", { headers: { cookie } });
    expect(after.body.error.code).toBe("UNAUTHENTICATED");
    expect(after.headers.getSetCookie().join(";")).toContain("codalab_session=;");
  });
});

describe("instance routes", () => {
  it("reports versions", async () => {
    const res = await api<{ version: string; api_version: string }>("GET", "/rest/version");
    expect(res.status).toBe(200);
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await api<ErrorBody>("GET", "/rest/nothing/here");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "ROUTE_NOT_FOUND", message: "no route GET /rest/nothing/here" });
  });

  it("serves an OpenAPI document that describes every route", async () => {
    const res = await api<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      "GET",
      "/rest/openapi.json",
    );
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    for (const [path, method] of [
      ["/rest/auth/signup", "post"],
      ["/rest/auth/login", "post"],
      ["/rest/auth/refresh", "post"],
      ["/rest/auth/logout", "post"],
      ["/rest/user", "get"],
      ["/rest/user/password", "post"],
      ["/rest/version", "get"],
    ] as const) {
      expect(res.body.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});
