import { describe, expect, it } from "vitest";
import { CodalabError } from "../core-light.ts";
import { CliError } from "../errors/cli-error.ts";
import { createStateStore, createTokenStore, type StoredAuth } from "../state/client-state.ts";
import { createMemoryDocument } from "../state/json-document.ts";
import { createFakeInstance, FAKE_ADDRESS } from "../testing/fake-instance.ts";
import { ApiClient, type FetchLike } from "./api-client.ts";
import type { CredentialSource } from "./credentials.ts";

const ADMIN = { username: "admin", password: "admin-password" };

function setup(
  options: { fetch?: FetchLike; credentials?: CredentialSource; auth?: StoredAuth; now?: () => number } = {},
) {
  const instance = createFakeInstance({ now: options.now });
  const stateFile = createMemoryDocument(
    "state.json",
    options.auth ? { auth: { [FAKE_ADDRESS]: options.auth } } : undefined,
  );
  const tokens = createTokenStore(createStateStore(stateFile));
  const asked: string[] = [];
  const credentials: CredentialSource =
    options.credentials ??
    (async (address, purpose) => {
      asked.push(`${address} ${purpose}`);
      return ADMIN;
    });
  const client = new ApiClient({
    address: FAKE_ADDRESS,
    fetch: options.fetch ?? instance.fetch,
    tokens,
    credentials,
    now: options.now,
  });
  return { instance, tokens, client, asked };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("ApiClient", () => {
  it("logs in on first contact when no token is cached, then reuses the cached token", async () => {
    const { instance, client, tokens, asked } = setup();
    await client.get("/rest/user");
    await client.get("/rest/user");
    expect(asked).toEqual([`${FAKE_ADDRESS} auto`]);
    expect(instance.calls).toEqual(["POST /rest/auth/login", "GET /rest/user", "GET /rest/user"]);
    expect((await tokens.get(FAKE_ADDRESS))?.user_name).toBe("admin");
  });

  it("logs in only once when parallel requests find no token", async () => {
    const { instance, client, asked } = setup();
    await Promise.all([client.get("/rest/user"), client.get("/rest/user")]);
    expect(asked).toHaveLength(1);
    expect(instance.calls.filter((call) => call === "POST /rest/auth/login")).toHaveLength(1);
  });

  it("sends the cached access token as a Bearer header", async () => {
    const { instance, client, tokens } = setup();
    await client.login(ADMIN);
    await client.get("/rest/user");
    const cached = await tokens.get(FAKE_ADDRESS);
    expect(instance.authorizations.at(-1)).toBe(`Bearer ${cached?.access_token}`);
  });

  it("does not log in for anonymous requests", async () => {
    const { instance, client, asked } = setup();
    expect(await client.get("/rest/version", { auth: "none" })).toEqual({ version: "0.1.0", api_version: "0.1.0" });
    expect(asked).toEqual([]);
    expect(instance.authorizations).toEqual([""]);
  });

  it("refreshes the access token on TOKEN_EXPIRED and retries the request once", async () => {
    const { instance, client, tokens } = setup();
    await client.login(ADMIN);
    const before = await tokens.get(FAKE_ADDRESS);
    instance.expireAccessTokens();
    const body = await client.get("/rest/user");
    expect(body).toMatchObject({ user: { user_name: "admin" } });
    expect(instance.calls).toEqual([
      "POST /rest/auth/login",
      "GET /rest/user",
      "POST /rest/auth/refresh",
      "GET /rest/user",
    ]);
    const after = await tokens.get(FAKE_ADDRESS);
    expect(after?.refresh_token).not.toBe(before?.refresh_token);
  });

  it("refreshes ahead of time when the cached token is about to expire", async () => {
    let clock = 1_000_000_000_000;
    const { instance, client } = setup({ now: () => clock });
    await client.login(ADMIN);
    clock += 899 * 1000; // 1 s before the 900 s access token expires
    await client.get("/rest/user");
    expect(instance.calls).toEqual(["POST /rest/auth/login", "POST /rest/auth/refresh", "GET /rest/user"]);
  });

  it("drops the tokens and asks to log in again when the session was revoked", async () => {
    const { instance, client, tokens } = setup();
    await client.login(ADMIN);
    instance.revokeEverything();
    const error = await rejection(client.get("/rest/user"));
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      message: "your session has expired or was revoked",
      hint: "run `cl login` to log in again",
    });
    expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
  });

  it("drops the tokens when the refresh token is refused", async () => {
    const { instance, client, tokens } = setup();
    await client.login(ADMIN);
    instance.expireAccessTokens();
    instance.failNext("POST /rest/auth/refresh", () =>
      Response.json({ error: { code: "TOKEN_EXPIRED", message: "refresh token expired" } }, { status: 401 }),
    );
    const error = await rejection(client.get("/rest/user"));
    expect(error).toMatchObject({ message: "your session has expired or was revoked" });
    expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
  });

  it("adopts tokens another cl process rotated meanwhile instead of logging out", async () => {
    const { instance, client, tokens } = setup();
    await client.login(ADMIN);
    instance.expireAccessTokens();
    // Another process refreshes just before this one does, and saves its new pair.
    const racing: FetchLike = async (url, init) => {
      const stale = await tokens.get(FAKE_ADDRESS);
      if (url.endsWith("/rest/auth/refresh") && stale) {
        const rotated = await instance.refreshElsewhere(stale.refresh_token);
        await tokens.put(FAKE_ADDRESS, {
          ...stale,
          access_token: rotated.access_token,
          refresh_token: rotated.refresh_token,
        });
      }
      return instance.fetch(url, init);
    };
    const loser = new ApiClient({ address: FAKE_ADDRESS, fetch: racing, tokens, credentials: async () => ADMIN });
    await expect(loser.get("/rest/user")).resolves.toMatchObject({ user: { user_name: "admin" } });
    expect(await tokens.get(FAKE_ADDRESS)).toBeDefined();
  });

  it("refreshes only once when several requests find the token expired together", async () => {
    const { instance, client } = setup();
    await client.login(ADMIN);
    instance.expireAccessTokens();
    await Promise.all([client.get("/rest/user"), client.get("/rest/user"), client.get("/rest/user")]);
    expect(instance.calls.filter((call) => call === "POST /rest/auth/refresh")).toHaveLength(1);
  });

  it("reports wrong credentials as INVALID_CREDENTIALS without caching anything", async () => {
    const { client, tokens } = setup({ credentials: async () => ({ username: "admin", password: "wrong" }) });
    const error = await rejection(client.get("/rest/user"));
    expect(error).toBeInstanceOf(CodalabError);
    expect(error).toMatchObject({ code: "INVALID_CREDENTIALS", message: "wrong user name or password" });
    expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
  });

  it("passes on the server's error code, message and request id", async () => {
    const { client } = setup();
    const error = await rejection(client.get("/rest/nothing-here", { auth: "none" }));
    expect(error).toMatchObject({ code: "ROUTE_NOT_FOUND", message: "no route GET /rest/nothing-here" });
    expect(error).toMatchObject({ details: { requestId: "req-test" } });
  });

  it("turns a refused connection into one 'cannot reach' error with a start hint", async () => {
    const refused: FetchLike = async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    };
    const client = new ApiClient({
      address: "http://localhost:8787",
      fetch: refused,
      tokens: createTokenStore(createStateStore(createMemoryDocument("state.json"))),
      credentials: async () => ADMIN,
    });
    const error = await rejection(client.get("/rest/version", { auth: "none" }));
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      message: "cannot reach http://localhost:8787",
      hint: "is the instance running? start it with `npm start`",
    });
  });

  it("suggests checking the address when a remote instance cannot be reached", async () => {
    const { client } = setup({ fetch: async () => Promise.reject(new TypeError("fetch failed")) });
    const error = await rejection(client.get("/rest/version", { auth: "none" }));
    expect(error).toMatchObject({ hint: "check the address (`cl status`) and your network connection" });
  });

  it("reports a timeout as GATEWAY_TIMEOUT", async () => {
    const timeout: FetchLike = async () => Promise.reject(new DOMException("timed out", "TimeoutError"));
    const { client } = setup({ fetch: timeout });
    await expect(client.get("/rest/version", { auth: "none" })).rejects.toMatchObject({ code: "GATEWAY_TIMEOUT" });
  });

  it("maps an error page that is not the API's envelope by its status", async () => {
    const page: FetchLike = async () =>
      new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
    const { client } = setup({ fetch: page });
    await expect(client.get("/rest/version", { auth: "none" })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: `${FAKE_ADDRESS} answered 502 Bad Gateway`,
    });
  });

  it.each([
    [401, "UNAUTHENTICATED"],
    [403, "FORBIDDEN"],
    [404, "ROUTE_NOT_FOUND"],
    [405, "METHOD_NOT_ALLOWED"],
    [409, "CONFLICT"],
    [413, "PAYLOAD_TOO_LARGE"],
    [429, "UNAVAILABLE"],
    [503, "UNAVAILABLE"],
    [504, "GATEWAY_TIMEOUT"],
    [500, "INTERNAL"],
    [418, "BAD_REQUEST"],
  ])("maps a bare %i to %s", async (status, code) => {
    const { client } = setup({ fetch: async () => new Response("nope", { status }) });
    await expect(client.get("/rest/version", { auth: "none" })).rejects.toMatchObject({ code });
  });

  it("gives up when the retried request is refused again after a refresh", async () => {
    const { instance, client, tokens } = setup();
    await client.login(ADMIN);
    instance.expireAccessTokens();
    instance.failNext("GET /rest/user", () =>
      Response.json({ error: { code: "TOKEN_EXPIRED", message: "expired" } }, { status: 401 }),
    );
    const expiredAgain: FetchLike = async (url, init) => {
      const response = await instance.fetch(url, init);
      if (url.endsWith("/rest/auth/refresh")) {
        instance.failNext("GET /rest/user", () =>
          Response.json({ error: { code: "TOKEN_REVOKED", message: "revoked" } }, { status: 401 }),
        );
      }
      return response;
    };
    const retrying = new ApiClient({
      address: FAKE_ADDRESS,
      fetch: expiredAgain,
      tokens,
      credentials: async () => ADMIN,
    });
    await expect(retrying.get("/rest/user")).rejects.toMatchObject({
      message: "your session has expired or was revoked",
    });
    expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
  });

  it("posts JSON with post()", async () => {
    const { client } = setup();
    await expect(client.post("/rest/auth/login", ADMIN, { auth: "none" })).resolves.toMatchObject({
      token_type: "Bearer",
    });
  });

  it("refuses a success response that is not JSON", async () => {
    const html: FetchLike = async () => new Response("<html>hello</html>", { status: 200 });
    const { client } = setup({ fetch: html });
    await expect(client.get("/rest/version", { auth: "none" })).rejects.toMatchObject({
      message: `${FAKE_ADDRESS} answered GET /rest/version with something that is not JSON`,
    });
  });

  it("sends JSON bodies and query parameters, repeating list values", async () => {
    const seen: Request[] = [];
    const echo: FetchLike = async (url, init) => {
      seen.push(new Request(url, init));
      return new Response(null, { status: 204 });
    };
    const { client } = setup({ fetch: echo });
    const result = await client.request("POST", "/rest/things", {
      body: { a: 1 },
      query: { keywords: ["x", "y"], depth: 2, skip: undefined, flag: true },
      auth: "none",
    });
    expect(result).toBeUndefined();
    const [request] = seen;
    expect(request?.url).toBe(`${FAKE_ADDRESS}/rest/things?keywords=x&keywords=y&depth=2&flag=true`);
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(await request?.json()).toEqual({ a: 1 });
  });

  it("reports a response that does not fit the contract", async () => {
    const bad: FetchLike = async () => Response.json({ access_token: 3 });
    const { client } = setup({ fetch: bad });
    await expect(client.login(ADMIN)).rejects.toMatchObject({
      code: "INTERNAL",
      message: "unexpected response from POST /rest/auth/login: response.access_token should be a string",
    });
  });

  describe("logout", () => {
    it("revokes the session on the server and forgets the tokens", async () => {
      const { instance, client, tokens } = setup();
      await client.login(ADMIN);
      expect(await client.logout()).toEqual({ wasLoggedIn: true, serverError: undefined });
      expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
      expect(instance.calls.at(-1)).toBe("POST /rest/auth/logout");
    });

    it("says so when there was nothing to log out of", async () => {
      const { instance, client } = setup();
      expect(await client.logout()).toEqual({ wasLoggedIn: false });
      expect(instance.calls).toEqual([]);
    });

    it("treats an already revoked session as logged out", async () => {
      const { instance, client, tokens } = setup();
      await client.login(ADMIN);
      instance.revokeEverything();
      expect(await client.logout()).toEqual({ wasLoggedIn: true, serverError: undefined });
      expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
    });

    it("forgets the tokens even when the server cannot be reached, reporting why", async () => {
      const { client, tokens } = setup();
      await client.login(ADMIN);
      const offline = new ApiClient({
        address: FAKE_ADDRESS,
        fetch: async () => Promise.reject(new TypeError("fetch failed")),
        tokens,
        credentials: async () => ADMIN,
      });
      const result = await offline.logout();
      expect(result.wasLoggedIn).toBe(true);
      expect(result.serverError).toMatchObject({ message: `cannot reach ${FAKE_ADDRESS}` });
      expect(await tokens.get(FAKE_ADDRESS)).toBeUndefined();
    });
  });
});
