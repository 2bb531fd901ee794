import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { onMount, Show } from "solid-js";
import { login, signup } from "../api/account-api.ts";
import { ApiError } from "../api/api-error.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { BusyButton } from "../components/busy-button.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { SignOutButton } from "../components/sign-out-button.tsx";
import { TextField } from "../components/text-field.tsx";
import {
  AFFILIATION_MAX_LENGTH,
  NAME_MAX_LENGTH,
  type SignupField,
  validateSignup,
} from "../forms/account-validation.ts";
import { createForm } from "../forms/create-form.ts";
import { signupErrors } from "../forms/server-errors.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { showNotice } from "../notices/notice-store.ts";
import { safeNextPath, withNext } from "../routing/safe-next-path.ts";
import { session } from "../session/session-store.ts";

const EMPTY: Record<SignupField, string> = {
  user_name: "",
  email: "",
  password: "",
  confirm_password: "",
  first_name: "",
  last_name: "",
  affiliation: "",
};

export function SignupPage() {
  usePageTitle("Sign up");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  let firstInput: HTMLInputElement | undefined;
  /** Set once the account exists, so a failed sign-in afterwards is not reported as a failed sign-up. */
  let created = false;

  const form = createForm<SignupField>({
    initial: EMPTY,
    validate: validateSignup,
    async submit(values) {
      const userName = values.user_name.trim();
      if (!created) {
        await signup({
          user_name: userName,
          email: values.email.trim(),
          password: values.password,
          first_name: values.first_name.trim(),
          last_name: values.last_name.trim(),
          affiliation: values.affiliation.trim(),
        });
        created = true;
      }
      const user = await login(userName, values.password);
      session.signedIn(user);
      showNotice("success", `Welcome to CodaLab, ${user.user_name}! Your account is ready.`);
      navigate(safeNextPath(params.next), { replace: true });
    },
    describeError(error) {
      if (created) {
        const reason = error instanceof ApiError ? error.message : "an unexpected error";
        return { fields: {}, form: `Your account was created, but signing in failed (${reason}). Try signing in.` };
      }
      return signupErrors(error);
    },
  });

  onMount(() => firstInput?.focus());

  // Getters keep the spread props reactive: each read goes back to the form's signals.
  const field = (name: SignupField) => ({
    name,
    get value() {
      return form.values()[name];
    },
    get error() {
      return form.errors()[name];
    },
    onInput: (value: string) => form.set(name, value),
    onBlur: () => form.blur(name),
  });

  return (
    <Show
      when={session.state().status !== "signed-in" || created}
      fallback={
        <AuthLayout title="You are already signed in">
          <p>
            You are signed in as <strong>{session.user()?.user_name}</strong>. Sign out first to create another account.
          </p>
          <div class="form__actions">
            <A href="/account/profile" class="button button--primary">
              Go to your account
            </A>
            <SignOutButton />
          </div>
        </AuthLayout>
      }
    >
      <AuthLayout
        wide
        title="Create your CodaLab account"
        intro="An account lets you upload data, run experiments and keep worksheets on this instance."
        footer={
          <>
            Already have an account? <A href={withNext("/account/login", params.next)}>Sign in</A>
          </>
        }
      >
        <form class="form" novalidate onSubmit={form.onSubmit}>
          <TextField
            {...field("user_name")}
            ref={(element) => {
              firstInput = element;
            }}
            label="User name"
            autocomplete="username"
            required
            hint="Letters, digits, _, . and -, starting with a letter or _. Others see it on what you share."
          />
          <TextField {...field("email")} label="Email" type="email" autocomplete="email" required />
          <div class="form__row">
            <TextField
              {...field("password")}
              label="Password"
              type="password"
              autocomplete="new-password"
              required
              hint="At least 8 characters: letters, digits and punctuation, no spaces."
            />
            <TextField
              {...field("confirm_password")}
              label="Confirm password"
              type="password"
              autocomplete="new-password"
              required
            />
          </div>
          <div class="form__row">
            <TextField
              {...field("first_name")}
              label="First name"
              autocomplete="given-name"
              optional
              maxLength={NAME_MAX_LENGTH}
            />
            <TextField
              {...field("last_name")}
              label="Last name"
              autocomplete="family-name"
              optional
              maxLength={NAME_MAX_LENGTH}
            />
          </div>
          <TextField
            {...field("affiliation")}
            label="Affiliation"
            autocomplete="organization"
            optional
            maxLength={AFFILIATION_MAX_LENGTH}
            hint="Your university, lab or company."
          />
          <BusyButton busy={form.busy()} busyLabel="Creating your account…" block>
            Create account
          </BusyButton>
          <Show when={form.formError()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
        </form>
      </AuthLayout>
    </Show>
  );
}
