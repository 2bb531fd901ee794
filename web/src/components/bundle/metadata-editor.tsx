import { createSignal, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { describeError } from "../../api/api-error.ts";
import type { Bundle } from "../../api/bundle.ts";
import { updateBundle } from "../../api/bundles-api.ts";
import { type EditableField, inputValue } from "../../format/metadata-fields.ts";
import { BusyButton } from "../busy-button.tsx";
import { FormAlert } from "../form-alert.tsx";

/** The fields the user may change, as one form; only changed values are sent. */
export function MetadataEditor(props: {
  bundle: Bundle;
  fields: readonly EditableField[];
  onSaved: (bundle: Bundle) => void;
  onCancel: () => void;
}) {
  const initial = Object.fromEntries(
    props.fields.map((field) => [
      field.key,
      field.input === "bool" ? props.bundle.metadata[field.key] === true : inputValue(props.bundle.metadata[field.key]),
    ]),
  ) as Record<string, string | boolean>;
  const [values, setValues] = createStore({ ...initial });
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function save(): Promise<void> {
    const changed: Record<string, string | boolean | string[] | null> = {};
    for (const field of props.fields) {
      const value = values[field.key];
      if (value === initial[field.key] || value === undefined) continue;
      if (field.input === "tags")
        changed[field.key] = String(value)
          .split(/\s+/)
          .filter((tag) => tag !== "");
      else if (field.input === "bool") changed[field.key] = value === true;
      else changed[field.key] = String(value).trim() === "" && field.key !== "description" ? null : String(value);
    }
    if (Object.keys(changed).length === 0) return props.onCancel();
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await updateBundle(props.bundle.uuid, { metadata: changed }));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="form metadata-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <For each={props.fields}>
        {(field) => (
          <Show
            when={field.input !== "bool"}
            fallback={
              <label class="check">
                <input
                  type="checkbox"
                  checked={values[field.key] === true}
                  onChange={(event) => setValues(field.key, event.currentTarget.checked)}
                />
                {field.label}
              </label>
            }
          >
            <label class="field">
              <span class="field__label">{field.label}</span>
              <Show
                when={field.input === "textarea"}
                fallback={
                  <input
                    class="input"
                    name={field.key}
                    value={String(values[field.key] ?? "")}
                    onInput={(event) => setValues(field.key, event.currentTarget.value)}
                  />
                }
              >
                <textarea
                  class="input"
                  name={field.key}
                  rows={3}
                  value={String(values[field.key] ?? "")}
                  onInput={(event) => setValues(field.key, event.currentTarget.value)}
                />
              </Show>
            </label>
          </Show>
        )}
      </For>
      <Show when={error()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
      <div class="form__actions">
        <BusyButton busy={busy()} busyLabel="Saving…">
          Save
        </BusyButton>
        <button type="button" class="button button--ghost" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
