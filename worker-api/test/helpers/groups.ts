/** Accounts and groups for API tests, made through the API as a user would. */
import type { GroupJson } from "@codalab/core";
import { api, signUpAndLogIn, uniqueName } from "./api.ts";
import { userIdOf } from "./bundles.ts";

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };
export type GroupBody = { group: GroupJson };

export async function adminToken(): Promise<string> {
  const login = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: "codalab", password: "test-admin-password" },
  });
  return login.body.access_token;
}

/** A signed-up user with their token and id. */
export async function newUser(prefix = "user") {
  const account = await signUpAndLogIn(uniqueName(prefix));
  return { ...account, token: account.accessToken, id: await userIdOf(account.accessToken) };
}

export async function createGroup(token: string, name = uniqueName("group")): Promise<GroupJson> {
  const res = await api<GroupBody>("POST", "/rest/groups", { token, body: { name } });
  if (res.status !== 201) throw new Error(`gnew failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.group;
}

export async function addMember(token: string, group: string, user: string, isAdmin = false) {
  return api<GroupBody & ErrorBody>("PUT", `/rest/groups/${group}/members/${user}`, {
    token,
    body: { is_admin: isAdmin },
  });
}
