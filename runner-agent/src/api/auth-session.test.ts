import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeServer } from "../testing/fake-server.ts";
import { userApi, workerApi } from "../testing/test-api.ts";
import { AuthSession } from "./auth-session.ts";
import { ServerApi } from "./server-api.ts";

let server: FakeServer;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  await server.close();
});

describe("AuthSession", () => {
  it("logs in once and reuses the token until it nears expiry, then refreshes", async () => {
    let now = 0;
    const auth = new AuthSession({
      server: server.url,
      credentials: { kind: "password", username: "worker-user", password: "secret", source: "t" },
      now: () => now,
    });
    const [a, b] = await Promise.all([auth.token(), auth.token()]);
    expect(a).toBe(b);
    expect(server.logins).toBe(1);
    now = 3000 * 1000;
    expect(await auth.token()).toBe(a);
    now = 3500 * 1000;
    expect(await auth.token()).not.toBe(a);
    expect(server.refreshes).toBe(1);
    expect(auth.username).toBe("worker-user");
  });

  it("logs in again when the refresh token is refused", async () => {
    const auth = new AuthSession({
      server: server.url,
      credentials: { kind: "password", username: "worker-user", password: "secret", source: "t" },
      fetch: async (input, init) => {
        if (String(input).endsWith("/refresh")) {
          return new Response(JSON.stringify({ error: { code: "TOKEN_REVOKED", message: "revoked" } }), {
            status: 401,
          });
        }
        return fetch(input, init);
      },
    });
    const first = await auth.token();
    auth.invalidate(first);
    expect(await auth.token()).not.toBe(first);
    expect(server.logins).toBe(2);
  });

  it("gives the server's message for wrong credentials and an unreachable server", async () => {
    const wrong = new AuthSession({
      server: server.url,
      credentials: { kind: "password", username: "worker-user", password: "nope", source: "t" },
    });
    await expect(wrong.token()).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
      message: expect.stringContaining("wrong user name or password"),
    });
    const away = new AuthSession({
      server: "http://127.0.0.1:1",
      credentials: { kind: "password", username: "u", password: "p", source: "t" },
    });
    await expect(away.token()).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const garbled = new AuthSession({
      server: server.url,
      credentials: { kind: "password", username: "u", password: "p", source: "t" },
      fetch: async () => new Response("{}", { status: 200 }),
    });
    await expect(garbled.token()).rejects.toThrow("unexpected body");
  });

  it("uses a worker token as it is and never renews it", async () => {
    const auth = new AuthSession({ server: server.url, credentials: { kind: "token", token: "worker-token" } });
    expect(await auth.token()).toBe("worker-token");
    expect(auth.renewable).toBe(false);
    expect(server.logins).toBe(0);
  });
});

describe("ServerApi", () => {
  it("renews a refused user token once and repeats the call", async () => {
    const api = userApi(server);
    const token = await api.auth.token();
    server.tokens.delete(token);
    server.bundles.set(`0x${"0".repeat(32)}`, { type: "file", data: new Uint8Array(3) });
    const response = await api.json("GET", `/rest/bundles/0x${"0".repeat(32)}/contents/info/`);
    expect(response).toMatchObject({ info: { type: "file", size: 3 } });
    expect(server.refreshes).toBe(1);
  });

  it("turns error bodies into CodalabErrors with the server's code", async () => {
    const api = workerApi(server);
    await expect(api.json("GET", "/rest/nowhere")).rejects.toMatchObject({
      code: "ROUTE_NOT_FOUND",
      message: "GET /rest/nowhere: no route GET /rest/nowhere",
    });
    const bad = workerApi(server, "wrong");
    await expect(bad.json("GET", "/rest/x")).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
  });

  it("builds the socket URL on the same host", () => {
    const api = new ServerApi({
      server: "https://example.org/base",
      auth: new AuthSession({ server: "", credentials: { kind: "token", token: "t" } }),
    });
    expect(api.socketUrl("/rest/workers/connect", { worker_name: "a b" })).toBe(
      "wss://example.org/base/rest/workers/connect?worker_name=a+b",
    );
  });
});
