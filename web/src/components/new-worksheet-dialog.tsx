import { useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { createWorksheet } from "../api/worksheets-api.ts";
import { session } from "../session/session-store.ts";
import { BusyButton } from "./busy-button.tsx";
import { Dialog } from "./dialog.tsx";
import { FormAlert } from "./form-alert.tsx";

/** A new worksheet by name (CodaLab's name rule, unique) and title; opens it once made. */
export function NewWorksheetDialog(props: { onClose: () => void }) {
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const user = session.user();
  const suggested = `${user?.user_name ?? "my"}-${new Date().toISOString().slice(0, 10)}`;

  async function submit(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    try {
      const title = String(data.get("title") ?? "").trim();
      const worksheet = await createWorksheet(String(data.get("name") ?? "").trim(), title || undefined);
      props.onClose();
      navigate(`/worksheets/${worksheet.uuid}`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="New worksheet" onClose={props.onClose}>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        <label class="field">
          <span class="field__label">Name</span>
          <input class="input" name="name" required value={suggested} autofocus />
          <span class="field__hint">Unique on this instance: letters, digits, _, . and -.</span>
        </label>
        <label class="field">
          <span class="field__label">
            Title <span class="field__optional">(optional)</span>
          </span>
          <input class="input" name="title" maxLength={255} />
        </label>
        <Show when={error()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
        <div class="form__actions">
          <BusyButton busy={busy()} busyLabel="Creating…">
            Create worksheet
          </BusyButton>
          <button type="button" class="button button--ghost" onClick={() => props.onClose()}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
