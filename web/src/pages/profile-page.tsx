import { onMount, Show } from "solid-js";
import { displayName, type User } from "../api/user.ts";
import { AccountDetails } from "../components/account-details.tsx";
import { Avatar } from "../components/avatar.tsx";
import { ChangePasswordForm } from "../components/change-password-form.tsx";
import { RequireSignIn } from "../components/require-sign-in.tsx";
import { SignOutButton } from "../components/sign-out-button.tsx";
import { UsageMeter } from "../components/usage-meter.tsx";
import { formatDuration } from "../format/format-duration.ts";
import { formatSize } from "../format/format-size.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { session } from "../session/session-store.ts";

export function ProfilePage() {
  usePageTitle("Your account");
  // Usage changes while runs go on; the copy from sign-in may be old.
  onMount(() => void session.refresh());
  return <RequireSignIn>{(user) => <Profile user={user()} />}</RequireSignIn>;
}

function Profile(props: { user: User }) {
  return (
    <div class="profile">
      <header class="profile__header">
        <Avatar user={props.user} size="lg" />
        <div class="profile__identity">
          <h1 class="profile__name">{displayName(props.user)}</h1>
          <p class="profile__meta">
            <span>@{props.user.user_name}</span>
            <Show when={props.user.is_admin}>
              <span class="badge">Administrator</span>
            </Show>
          </p>
        </div>
      </header>

      <div class="profile__grid">
        <section class="card" aria-labelledby="profile-details">
          <h2 id="profile-details" class="card__title">
            Profile
          </h2>
          <AccountDetails user={props.user} />
        </section>

        <section class="card" aria-labelledby="profile-usage">
          <h2 id="profile-usage" class="card__title">
            Usage
          </h2>
          <UsageMeter
            label="Disk"
            used={props.user.disk_used}
            quota={props.user.disk_quota}
            format={formatSize}
            description="The total size of the bundles you own."
          />
          <UsageMeter
            label="Run time"
            used={props.user.time_used}
            quota={props.user.time_quota}
            format={formatDuration}
            description="Time your runs have spent on the shared workers."
          />
          <Show when={props.user.parallel_run_quota}>
            {(quota) => (
              <p class="profile__note">
                Up to <strong>{quota()}</strong> of your runs can use the shared workers at once. Runs on your own
                workers are not limited.
              </p>
            )}
          </Show>
        </section>

        <section class="card" aria-labelledby="profile-password">
          <h2 id="profile-password" class="card__title">
            Change password
          </h2>
          <ChangePasswordForm />
        </section>

        <section class="card" aria-labelledby="profile-session">
          <h2 id="profile-session" class="card__title">
            Session
          </h2>
          <p class="muted">Signing out ends your session in this browser.</p>
          <SignOutButton />
        </section>
      </div>
    </div>
  );
}
