import { createSignal } from "solid-js";
import { fetchCurrentUser, logout as logoutRequest } from "../api/account-api.ts";
import { ApiError } from "../api/api-error.ts";
import type { User } from "../api/user.ts";

/**
 * Who is signed in, shared by the navigation bar and every page. The cookie itself is HttpOnly,
 * so the only way to learn the session is to ask `GET /rest/user`.
 */
export type SessionState =
  | { status: "loading" }
  /** `byUser`: they pressed "Sign out", so protected pages go home instead of to the sign-in page. */
  | { status: "signed-out"; byUser: boolean }
  | { status: "signed-in"; user: User }
  | { status: "error"; error: ApiError };

const [state, setState] = createSignal<SessionState>({ status: "loading" });

/** Bumped by every sign-in or sign-out so a slower, older `refresh` cannot overwrite it. */
let generation = 0;
let pending: Promise<void> | undefined;

function settle(next: SessionState): void {
  generation += 1;
  setState(next);
}

async function load(): Promise<void> {
  const started = generation;
  try {
    const user = await fetchCurrentUser();
    if (started === generation) setState({ status: "signed-in", user });
  } catch (error) {
    if (started !== generation) return;
    if (error instanceof ApiError && error.status === 401) {
      setState({ status: "signed-out", byUser: false });
    } else if (state().status !== "signed-in") {
      // A failed re-check keeps a known user on screen; only a first check has to show the error.
      setState({
        status: "error",
        error:
          error instanceof ApiError ? error : new ApiError({ status: 0, code: "INTERNAL", message: String(error) }),
      });
    }
  }
}

export const session = {
  state,

  user(): User | undefined {
    const current = state();
    return current.status === "signed-in" ? current.user : undefined;
  },

  /** Asks the server who is signed in. Concurrent calls share one request; never rejects. */
  refresh(): Promise<void> {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  },

  signedIn(user: User): void {
    settle({ status: "signed-in", user });
  },

  /** Ends the session on the server; rejects with ApiError when that fails (the user stays signed in). */
  async signOut(): Promise<void> {
    try {
      await logoutRequest();
    } catch (error) {
      // A session that already expired is as signed out as it gets.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    settle({ status: "signed-out", byUser: true });
  },
};
