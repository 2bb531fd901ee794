import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createEffect, onMount, Show } from "solid-js";
import { login } from "../api/account-api.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { BusyButton } from "../components/busy-button.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { TextField } from "../components/text-field.tsx";
import { type LoginField, validateLogin } from "../forms/account-validation.ts";
import { createForm } from "../forms/create-form.ts";
import { loginErrors } from "../forms/server-errors.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { safeNextPath, withNext } from "../routing/safe-next-path.ts";
import { session } from "../session/session-store.ts";

export function LoginPage() {
  usePageTitle("Sign in");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  let firstInput: HTMLInputElement | undefined;

  const form = createForm<LoginField>({
    initial: { username: "", password: "" },
    validate: validateLogin,
    async submit(values) {
      session.signedIn(await login(values.username.trim(), values.password));
    },
    describeError: loginErrors,
  });

  // One place decides where a signed-in visitor goes: after submitting, or on arriving signed in.
  createEffect(() => {
    if (session.state().status === "signed-in") navigate(safeNextPath(params.next), { replace: true });
  });
  onMount(() => firstInput?.focus());

  return (
    <AuthLayout
      title="Sign in to CodaLab"
      footer={
        <>
          New to CodaLab? <A href={withNext("/account/signup", params.next)}>Create an account</A>
        </>
      }
    >
      <form class="form" novalidate onSubmit={form.onSubmit}>
        <TextField
          ref={(element) => {
            firstInput = element;
          }}
          label="User name or email"
          name="username"
          autocomplete="username"
          required
          value={form.values().username}
          onInput={(value) => form.set("username", value)}
          onBlur={() => form.blur("username")}
          error={form.errors().username}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={form.values().password}
          onInput={(value) => form.set("password", value)}
          onBlur={() => form.blur("password")}
          error={form.errors().password}
        />
        <BusyButton busy={form.busy()} busyLabel="Signing in…" block>
          Sign in
        </BusyButton>
        <Show when={form.formError()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
      </form>
    </AuthLayout>
  );
}
