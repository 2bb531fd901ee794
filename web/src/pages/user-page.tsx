import { useParams } from "@solidjs/router";
import { createResource, Show } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { displayName } from "../api/user.ts";
import { fetchUser } from "../api/users-api.ts";
import { searchWorksheets } from "../api/worksheets-api.ts";
import { Avatar } from "../components/avatar.tsx";
import { ErrorPanel } from "../components/error-panel.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { WorksheetList } from "../components/worksheet-list.tsx";
import { formatDate } from "../format/format-date.ts";
import { quiet } from "../hooks/quiet-resource.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { session } from "../session/session-store.ts";

/** `/users/<name>`: someone's public profile and the worksheets of theirs you can see. */
export function UserPage() {
  const params = useParams<{ name: string }>();
  const [user] = createResource(() => params.name, fetchUser);
  const [worksheets] = createResource(
    () => params.name,
    (name) => searchWorksheets([`owner=${name}`, ".limit=50"]),
  );
  usePageTitle(() => params.name);
  return (
    <Show
      when={quiet(user)}
      fallback={
        <Show when={user.error} fallback={<PageLoading />}>
          {(error) => <ErrorPanel title="No such user" message={describeError(error())} />}
        </Show>
      }
    >
      {(current) => (
        <div class="profile">
          <header class="profile__header">
            <Avatar user={current()} size="lg" />
            <div class="profile__identity">
              <h1 class="profile__name">{displayName(current())}</h1>
              <p class="profile__meta">
                <span>@{current().user_name}</span>
                <Show when={current().affiliation}>{(affiliation) => <span>{affiliation()}</span>}</Show>
                <span>joined {formatDate(current().date_joined)}</span>
                <Show when={session.user()?.user_name === current().user_name}>
                  <a href="/account/profile">Your account, usage and quotas</a>
                </Show>
              </p>
            </div>
          </header>
          <section class="card" aria-labelledby="user-worksheets">
            <h2 id="user-worksheets" class="card__title">
              Worksheets
            </h2>
            <Show when={quiet(worksheets)} fallback={<p class="muted">Loading…</p>}>
              {(found) => <WorksheetList worksheets={found().worksheets} empty="No worksheets you can see." />}
            </Show>
          </section>
        </div>
      )}
    </Show>
  );
}
