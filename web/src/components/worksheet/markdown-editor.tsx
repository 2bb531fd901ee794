import { createSignal, onMount, Show } from "solid-js";
import { describeError } from "../../api/api-error.ts";
import { BusyButton } from "../busy-button.tsx";
import { FormAlert } from "../form-alert.tsx";

/**
 * A textarea for one markdown item: Ctrl/⌘+Enter saves, Escape cancels. On a failed save the text
 * stays, with the reason, so nothing typed is lost.
 */
export function MarkdownEditor(props: {
  initial: string;
  label: string;
  onSave: (text: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [text, setText] = createSignal(props.initial);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let area: HTMLTextAreaElement | undefined;
  onMount(() => {
    area?.focus();
    area?.setSelectionRange(area.value.length, area.value.length);
  });

  async function save(): Promise<void> {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      await props.onSave(text());
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="markdown-editor">
      <textarea
        ref={area}
        class="input markdown-editor__area"
        aria-label={props.label}
        rows={Math.min(Math.max(text().split("\n").length + 1, 4), 24)}
        value={text()}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void save();
          } else if (event.key === "Escape") {
            event.preventDefault();
            props.onCancel();
          }
        }}
      />
      <div class="markdown-editor__bar">
        <span class="muted markdown-editor__hint">Markdown and $math$. Ctrl+Enter saves, Esc cancels.</span>
        <div class="form__actions">
          <button type="button" class="button button--ghost" onClick={() => props.onCancel()}>
            Cancel
          </button>
          <BusyButton type="button" busy={busy()} busyLabel="Saving…" onClick={save}>
            Save
          </BusyButton>
        </div>
      </div>
      <Show when={error()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
    </div>
  );
}
