import { Show } from "solid-js";
import type { User } from "../api/user.ts";
import { formatDate, formatDateTime } from "../format/format-date.ts";

/** Only http(s) links are rendered as links: a profile URL is user input. */
function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function NotSet() {
  return <span class="muted">Not set</span>;
}

/** The profile facts as a definition list; missing ones say so rather than vanish. */
export function AccountDetails(props: { user: User }) {
  return (
    <dl class="details">
      <div class="details__row">
        <dt>User name</dt>
        <dd>{props.user.user_name}</dd>
      </div>
      <div class="details__row">
        <dt>Email</dt>
        <dd>{props.user.email ?? <NotSet />}</dd>
      </div>
      <div class="details__row">
        <dt>First name</dt>
        <dd>{props.user.first_name ?? <NotSet />}</dd>
      </div>
      <div class="details__row">
        <dt>Last name</dt>
        <dd>{props.user.last_name ?? <NotSet />}</dd>
      </div>
      <div class="details__row">
        <dt>Affiliation</dt>
        <dd>{props.user.affiliation ?? <NotSet />}</dd>
      </div>
      <Show when={props.user.url}>
        {(url) => (
          <div class="details__row">
            <dt>Website</dt>
            <dd>
              <Show when={isWebLink(url())} fallback={url()}>
                <a href={url()} rel="noopener noreferrer nofollow" target="_blank">
                  {url()}
                </a>
              </Show>
            </dd>
          </div>
        )}
      </Show>
      <div class="details__row">
        <dt>Joined</dt>
        <dd>{formatDate(props.user.date_joined)}</dd>
      </div>
      <div class="details__row">
        <dt>Last sign-in</dt>
        <dd>{props.user.last_login === null ? "Never" : formatDateTime(props.user.last_login)}</dd>
      </div>
    </dl>
  );
}
