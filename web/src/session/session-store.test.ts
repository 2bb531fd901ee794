import { beforeEach, describe, expect, it, vi } from "vitest";
import { fetchCurrentUser, logout } from "../api/account-api.ts";
import { ApiError } from "../api/api-error.ts";
import type { User } from "../api/user.ts";
import { session } from "./session-store.ts";

vi.mock("../api/account-api.ts", () => ({ fetchCurrentUser: vi.fn(), logout: vi.fn() }));

const ada: User = {
  id: "1",
  user_name: "ada",
  email: "ada@example.org",
  first_name: null,
  last_name: null,
  affiliation: null,
  url: null,
  is_admin: false,
  date_joined: 0,
  last_login: null,
  time_quota: 10,
  time_used: 0,
  disk_quota: 10,
  disk_used: 0,
  parallel_run_quota: 3,
};
const unauthenticated = new ApiError({ status: 401, code: "UNAUTHENTICATED", message: "sign in" });
const down = new ApiError({ status: 503, code: "UNAVAILABLE", message: "down" });

describe("session store", () => {
  beforeEach(() => {
    vi.mocked(fetchCurrentUser).mockReset();
    vi.mocked(logout).mockReset();
  });

  it("learns the signed-in user from the server", async () => {
    vi.mocked(fetchCurrentUser).mockResolvedValue(ada);
    await session.refresh();
    expect(session.state()).toEqual({ status: "signed-in", user: ada });
    expect(session.user()).toBe(ada);
  });

  it("is signed out when the server answers 401", async () => {
    vi.mocked(fetchCurrentUser).mockRejectedValue(unauthenticated);
    await session.refresh();
    expect(session.state()).toEqual({ status: "signed-out", byUser: false });
    expect(session.user()).toBeUndefined();
  });

  it("reports other failures when it knows no user yet", async () => {
    vi.mocked(fetchCurrentUser).mockRejectedValue(unauthenticated);
    await session.refresh();
    vi.mocked(fetchCurrentUser).mockRejectedValue(down);
    await session.refresh();
    expect(session.state()).toEqual({ status: "error", error: down });

    vi.mocked(fetchCurrentUser).mockRejectedValue(new TypeError("bug"));
    await session.refresh();
    expect(session.state()).toMatchObject({ status: "error", error: { code: "INTERNAL" } });
  });

  it("keeps a known user on screen when a re-check fails", async () => {
    session.signedIn(ada);
    vi.mocked(fetchCurrentUser).mockRejectedValue(down);
    await session.refresh();
    expect(session.user()).toBe(ada);
  });

  it("shares one request between overlapping refreshes", async () => {
    vi.mocked(fetchCurrentUser).mockResolvedValue(ada);
    await Promise.all([session.refresh(), session.refresh()]);
    expect(fetchCurrentUser).toHaveBeenCalledTimes(1);
  });

  it("ignores an older check that finishes after a sign-in", async () => {
    let answer: (error: unknown) => void = () => {};
    vi.mocked(fetchCurrentUser).mockReturnValue(
      new Promise((_, reject) => {
        answer = reject;
      }),
    );
    const stale = session.refresh();
    session.signedIn(ada);
    answer(unauthenticated);
    await stale;
    expect(session.user()).toBe(ada);
  });

  it("ignores an older check that succeeds after a sign-out", async () => {
    session.signedIn(ada);
    let answer: (user: User) => void = () => {};
    vi.mocked(fetchCurrentUser).mockReturnValue(
      new Promise((resolve) => {
        answer = resolve;
      }),
    );
    const stale = session.refresh();
    vi.mocked(logout).mockResolvedValue();
    await session.signOut();
    answer(ada);
    await stale;
    expect(session.state()).toEqual({ status: "signed-out", byUser: true });
  });

  it("signs out even when the session had already expired", async () => {
    session.signedIn(ada);
    vi.mocked(logout).mockRejectedValue(unauthenticated);
    await session.signOut();
    expect(session.state()).toEqual({ status: "signed-out", byUser: true });
  });

  it("stays signed in and rejects when signing out fails", async () => {
    session.signedIn(ada);
    vi.mocked(logout).mockRejectedValue(down);
    await expect(session.signOut()).rejects.toBe(down);
    expect(session.user()).toBe(ada);
  });
});
