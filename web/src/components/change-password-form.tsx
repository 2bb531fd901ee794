import { createSignal, Show } from "solid-js";
import { changePassword } from "../api/account-api.ts";
import { ApiError } from "../api/api-error.ts";
import { type PasswordChangeField, validatePasswordChange } from "../forms/account-validation.ts";
import { createForm } from "../forms/create-form.ts";
import { passwordChangeErrors } from "../forms/server-errors.ts";
import { session } from "../session/session-store.ts";
import { BusyButton } from "./busy-button.tsx";
import { FormAlert } from "./form-alert.tsx";
import { TextField } from "./text-field.tsx";

const EMPTY: Record<PasswordChangeField, string> = { current_password: "", new_password: "", confirm_password: "" };

export function ChangePasswordForm() {
  const [changed, setChanged] = createSignal(false);
  const form = createForm<PasswordChangeField>({
    initial: EMPTY,
    validate: validatePasswordChange,
    async submit(values) {
      setChanged(false);
      try {
        await changePassword(values.current_password, values.new_password);
      } catch (error) {
        // An expired session cannot be fixed here; re-checking it sends the user to sign in.
        if (error instanceof ApiError && error.status === 401 && error.code !== "INVALID_CREDENTIALS") {
          void session.refresh();
        }
        throw error;
      }
      form.reset();
      setChanged(true);
    },
    describeError: passwordChangeErrors,
  });

  return (
    <form class="form" novalidate onSubmit={form.onSubmit} aria-label="Change password">
      {/* Lets password managers tie the new password to this account. */}
      <input
        type="text"
        name="username"
        autocomplete="username"
        value={session.user()?.user_name ?? ""}
        hidden
        readOnly
      />
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autocomplete="current-password"
        required
        value={form.values().current_password}
        onInput={(value) => form.set("current_password", value)}
        onBlur={() => form.blur("current_password")}
        error={form.errors().current_password}
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autocomplete="new-password"
        required
        hint="At least 8 characters: letters, digits and punctuation, no spaces."
        value={form.values().new_password}
        onInput={(value) => form.set("new_password", value)}
        onBlur={() => form.blur("new_password")}
        error={form.errors().new_password}
      />
      <TextField
        label="Confirm new password"
        name="confirm_password"
        type="password"
        autocomplete="new-password"
        required
        value={form.values().confirm_password}
        onInput={(value) => form.set("confirm_password", value)}
        onBlur={() => form.blur("confirm_password")}
        error={form.errors().confirm_password}
      />
      <div class="form__actions">
        <BusyButton busy={form.busy()} busyLabel="Changing password…">
          Change password
        </BusyButton>
      </div>
      <Show when={form.formError()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
      <Show when={changed()}>
        <FormAlert kind="success">Your password has been changed.</FormAlert>
      </Show>
    </form>
  );
}
