import { Navigate, useLocation } from "@solidjs/router";
import { type Accessor, type JSX, Match, Switch } from "solid-js";
import type { User } from "../api/user.ts";
import { withNext } from "../routing/safe-next-path.ts";
import { session } from "../session/session-store.ts";
import { ErrorPanel } from "./error-panel.tsx";
import { PageLoading } from "./page-loading.tsx";

/**
 * Renders its children only for a signed-in user. Others are sent to the sign-in page, which
 * brings them back here; someone who just pressed "Sign out" goes home instead.
 */
export function RequireSignIn(props: { children: (user: Accessor<User>) => JSX.Element }) {
  const location = useLocation();
  const state = session.state;
  const failure = () => {
    const current = state();
    return current.status === "error" ? current.error : undefined;
  };
  return (
    <Switch>
      <Match when={session.user()}>{(user) => props.children(user)}</Match>
      <Match when={state().status === "loading"}>
        <PageLoading label="Checking your session…" />
      </Match>
      <Match when={failure()}>
        {(error) => (
          <ErrorPanel
            title="Could not check your session"
            message={error().message}
            onRetry={() => void session.refresh()}
          />
        )}
      </Match>
      <Match when={state().status === "signed-out"}>
        <Navigate
          href={() => {
            const current = state();
            return current.status === "signed-out" && current.byUser
              ? "/"
              : withNext("/account/login", `${location.pathname}${location.search}`);
          }}
        />
      </Match>
    </Switch>
  );
}
