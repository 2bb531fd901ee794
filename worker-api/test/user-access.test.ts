/**
 * Access to the instance, granted and removed by admins (`cl uedit --grant-access/--remove-access`):
 * an account without it can still see who it is and log out, and nothing else, runners included.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";

let admin: string;

beforeAll(async () => {
  const login = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: "codalab", password: "test-admin-password" },
  });
  admin = login.body.access_token;
});

async function setAccess(userName: string, hasAccess: boolean, token = admin) {
  return api<{ user: { has_access?: boolean }; error?: { code: string; message: string } }>(
    "PATCH",
    `/rest/users/${userName}`,
    { token, body: { has_access: hasAccess } },
  );
}

describe("user access", () => {
  it("shuts an account out of everything but who-am-I once an admin removes it, and lets it back in", async () => {
    const { userName, accessToken } = await signUpAndLogIn();
    const removed = await setAccess(userName, false);
    expect(removed.status).toBe(200);
    expect(removed.body.user.has_access).toBe(false);

    const search = await api<{ error: { code: string; message: string } }>("GET", "/rest/bundles?keywords=.mine", {
      token: accessToken,
    });
    expect(search.status).toBe(403);
    expect(search.body.error).toMatchObject({
      code: "FORBIDDEN",
      message: `the account ${userName} has no access to this instance: an administrator can grant it (cl uedit ${userName} --grant-access)`,
    });
    const socket = await api("GET", "/rest/workers/connect?worker_name=w1", {
      token: accessToken,
      headers: { upgrade: "websocket" },
    });
    expect(socket.status).toBe(403);
    expect((await api("GET", "/rest/user", { token: accessToken })).status).toBe(200);

    expect((await setAccess(userName, true)).status).toBe(200);
    expect((await api("GET", "/rest/bundles?keywords=.mine", { token: accessToken })).status).toBe(200);
  });

  it("is for admins to change, not the user", async () => {
    const { userName, accessToken } = await signUpAndLogIn();
    const own = await setAccess(userName, false, accessToken);
    expect(own.status).toBe(403);
    expect(own.body.error).toMatchObject({
      code: "FORBIDDEN",
      message: "only instance administrators can change has_access",
    });
  });
});
