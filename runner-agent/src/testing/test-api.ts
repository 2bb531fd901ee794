/** Test support: an API client logged in to a FakeServer. */
import { AuthSession } from "../api/auth-session.ts";
import { ServerApi } from "../api/server-api.ts";
import type { FakeServer } from "./fake-server.ts";

export function workerApi(server: FakeServer, token = "worker-token"): ServerApi {
  return new ServerApi({
    server: server.url,
    auth: new AuthSession({ server: server.url, credentials: { kind: "token", token } }),
  });
}

export function userApi(server: FakeServer, username = "worker-user", password = "secret"): ServerApi {
  const auth = new AuthSession({
    server: server.url,
    credentials: { kind: "password", username, password, source: "test" },
  });
  return new ServerApi({ server: server.url, auth });
}
