import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";
import { parseUser, type User } from "./user.ts";

export type SignupInput = {
  user_name: string;
  email: string;
  password: string;
  first_name?: string;
  last_name?: string;
  affiliation?: string;
};

function userFrom(body: unknown): User {
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return parseUser(body.user);
}

/** The signed-in user; rejects with a 401 ApiError when nobody is signed in. */
export async function fetchCurrentUser(signal?: AbortSignal): Promise<User> {
  return userFrom(await http.request("/rest/user", { signal }));
}

/** Starts a cookie session; `username` may also be an email address. */
export async function login(username: string, password: string): Promise<User> {
  const body = await http.request("/rest/auth/login", {
    method: "POST",
    body: { username, password, session: "cookie" },
  });
  return userFrom(body);
}

export async function signup(input: SignupInput): Promise<User> {
  // Blank optional fields are left out, so the server stores "no affiliation" rather than "".
  const body = Object.fromEntries(
    Object.entries(input).filter(([, value]) => typeof value === "string" && value.trim() !== ""),
  );
  return userFrom(await http.request("/rest/auth/signup", { method: "POST", body }));
}

export async function logout(): Promise<void> {
  await http.request("/rest/auth/logout", { method: "POST" });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await http.request("/rest/user/password", {
    method: "POST",
    body: { current_password: currentPassword, new_password: newPassword },
  });
}
