import { beforeEach, describe, expect, it, vi } from "vitest";
import { changePassword, fetchCurrentUser, login, logout, signup } from "./account-api.ts";
import { http } from "./http-client.ts";

vi.mock("./http-client.ts", () => ({ http: { request: vi.fn() } }));

const wireUser = { id: "1", user_name: "ada", email: "ada@example.org" };

describe("account API", () => {
  beforeEach(() => vi.mocked(http.request).mockReset());

  it("reads the current user", async () => {
    vi.mocked(http.request).mockResolvedValue({ user: wireUser });
    await expect(fetchCurrentUser()).resolves.toMatchObject({ id: "1", user_name: "ada" });
    expect(http.request).toHaveBeenCalledWith("/rest/user", { signal: undefined });
  });

  it("asks for a cookie session when signing in", async () => {
    vi.mocked(http.request).mockResolvedValue({ user: wireUser, csrf_token: "t" });
    await login("ada", "secret-password");
    expect(http.request).toHaveBeenCalledWith("/rest/auth/login", {
      method: "POST",
      body: { username: "ada", password: "secret-password", session: "cookie" },
    });
  });

  it("leaves blank optional fields out of a sign-up", async () => {
    vi.mocked(http.request).mockResolvedValue({ user: wireUser });
    await signup({
      user_name: "ada",
      email: "ada@example.org",
      password: "pw-pw-pw-pw",
      first_name: "Ada",
      affiliation: " ",
    });
    expect(http.request).toHaveBeenCalledWith("/rest/auth/signup", {
      method: "POST",
      body: { user_name: "ada", email: "ada@example.org", password: "pw-pw-pw-pw", first_name: "Ada" },
    });
  });

  it("refuses an answer without a user record", async () => {
    vi.mocked(http.request).mockResolvedValue("not an object");
    await expect(fetchCurrentUser()).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("signs out and changes the password with the documented bodies", async () => {
    vi.mocked(http.request).mockResolvedValue(undefined);
    await logout();
    await changePassword("old-password", "new-password");
    expect(http.request).toHaveBeenNthCalledWith(1, "/rest/auth/logout", { method: "POST" });
    expect(http.request).toHaveBeenNthCalledWith(2, "/rest/user/password", {
      method: "POST",
      body: { current_password: "old-password", new_password: "new-password" },
    });
  });
});
