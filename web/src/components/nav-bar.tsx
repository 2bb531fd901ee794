import { A, useLocation, useNavigate } from "@solidjs/router";
import { Match, Show, Switch } from "solid-js";
import { withNext } from "../routing/safe-next-path.ts";
import { session } from "../session/session-store.ts";
import { Avatar } from "./avatar.tsx";
import { LogoMark } from "./logo-mark.tsx";
import { SignOutButton } from "./sign-out-button.tsx";

/** The top bar: product name, then the account link and sign-out, or sign-in and sign-up. */
export function NavBar() {
  const location = useLocation();
  const navigate = useNavigate();
  // Signing in from a page comes back to it; from the sign-in pages themselves it keeps their `next`.
  const returnTo = () =>
    location.pathname.startsWith("/account/") ? location.query.next : `${location.pathname}${location.search}`;

  return (
    <header class="nav">
      <nav class="nav__inner container" aria-label="Main">
        <A href="/" class="nav__brand" end>
          <LogoMark />
          <span class="nav__brand-name">CodaLab</span>
        </A>
        <form
          class="nav__search"
          onSubmit={(event) => {
            event.preventDefault();
            const query = String(new FormData(event.currentTarget).get("q") ?? "").trim();
            navigate(query === "" ? "/" : `/?q=${encodeURIComponent(query)}`);
          }}
        >
          <label class="visually-hidden" for="nav-search">
            Search worksheets
          </label>
          <input
            id="nav-search"
            class="input nav__search-input"
            name="q"
            type="search"
            placeholder="Search worksheets"
          />
        </form>
        <Show when={session.user()}>
          <A href="/worksheets/home" class="nav__link" activeClass="is-active">
            My home
          </A>
          <A href="/workers" class="nav__link" activeClass="is-active">
            Workers
          </A>
          <Show when={session.user()?.is_admin}>
            <A href="/admin/report" class="nav__link" activeClass="is-active">
              Report
            </A>
          </Show>
        </Show>
        <div class="nav__actions">
          <Switch>
            <Match when={session.user()}>
              {(user) => (
                <>
                  <A href="/account/profile" class="nav__account" activeClass="is-active" title="Your account">
                    <Avatar user={user()} />
                    <span class="nav__account-name">{user().user_name}</span>
                    <span class="visually-hidden">, your account</span>
                  </A>
                  <SignOutButton variant="ghost" />
                </>
              )}
            </Match>
            <Match when={session.state().status !== "loading"}>
              <A href={withNext("/account/login", returnTo())} class="button button--ghost">
                Sign in
              </A>
              <A href={withNext("/account/signup", returnTo())} class="button button--primary">
                Sign up
              </A>
            </Match>
          </Switch>
        </div>
      </nav>
    </header>
  );
}
