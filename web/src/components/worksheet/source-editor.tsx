import { createSignal, onMount, Show } from "solid-js";
import { ApiError, describeError } from "../../api/api-error.ts";
import { isRecord } from "../../api/is-record.ts";
import { fetchSource, saveSource } from "../../api/worksheets-api.ts";
import {
  initialSourceEditor,
  isDirty,
  reduceSourceEditor,
  type SourceEditorEvent,
  type SourceEditorState,
} from "../../worksheet/source-editor-state.ts";
import { BusyButton } from "../busy-button.tsx";
import { FormAlert } from "../form-alert.tsx";
import { PageLoading } from "../page-loading.tsx";

/** The version a 409 STALE_VERSION names as current, if it does. */
function currentVersionOf(error: ApiError): number | undefined {
  const details = error.details;
  return isRecord(details) && typeof details.current_version === "number" ? details.current_version : undefined;
}

/**
 * `shift+e`: the whole worksheet as markdown source. A save that raced with another edit (the
 * CLI's `cl wedit`, another tab) is refused by the server; the user's text stays and theirs is
 * shown beside it to merge from.
 */
export function SourceEditor(props: { uuid: string; canEdit: boolean; onClose: (saved: boolean) => void }) {
  const [state, setState] = createSignal<SourceEditorState>(initialSourceEditor);
  const send = (event: SourceEditorEvent) => setState((current) => reduceSourceEditor(current, event));
  let area: HTMLTextAreaElement | undefined;

  onMount(async () => {
    try {
      const loaded = await fetchSource(props.uuid);
      send({ type: "loaded", version: loaded.version, source: loaded.source });
      area?.focus();
    } catch (error) {
      send({ type: "load-failed", message: describeError(error) });
    }
  });

  async function loadTheirs(): Promise<void> {
    try {
      const theirs = await fetchSource(props.uuid);
      send({ type: "theirs-loaded", version: theirs.version, source: theirs.source });
    } catch (error) {
      showError(describeError(error));
    }
  }

  const showError = (message: string) => send({ type: "save-failed", message });

  async function save(): Promise<void> {
    const current = state();
    if (current.status !== "editing") return;
    send({ type: "save" });
    try {
      await saveSource(props.uuid, current.draft.text, current.draft.baseVersion);
      send({ type: "saved" });
      props.onClose(true);
    } catch (error) {
      if (error instanceof ApiError && error.code === "STALE_VERSION") {
        send({ type: "stale", currentVersion: currentVersionOf(error) ?? current.draft.baseVersion + 1 });
        await loadTheirs();
      } else {
        showError(describeError(error));
      }
    }
  }

  function cancel(): void {
    if (isDirty(state()) && !window.confirm("Discard your changes to the source?")) return;
    props.onClose(false);
  }

  const draft = () => {
    const current = state();
    return "draft" in current ? current.draft : undefined;
  };
  const stale = () => {
    const current = state();
    return current.status === "stale" ? current : undefined;
  };

  return (
    <section class="source-editor card" aria-label="Source editor">
      <header class="source-editor__head">
        <h2 class="card__title">{props.canEdit ? "Edit source" : "Source"}</h2>
        <p class="muted">
          One item per line: markdown, <code>% directives</code>, <code>[]{"{bundle}"}</code> and{" "}
          <code>[]{"{{worksheet}}"}</code>. Ctrl+Enter saves, Esc closes.
        </p>
      </header>
      <Show when={state().status !== "loading"} fallback={<PageLoading label="Loading the source…" />}>
        <Show when={state().status === "load-failed" && state()}>
          {(failed) => <FormAlert>{(failed() as { message: string }).message}</FormAlert>}
        </Show>
        <Show when={stale()}>
          {(conflict) => (
            <div class="alert alert--error source-editor__conflict" role="alert">
              <p>
                <strong>Someone else saved this worksheet while you were editing</strong> (now version{" "}
                {conflict().currentVersion}). Nothing was saved. Your text is below, unchanged; their version is next to
                it. Merge what you need, then save yours over theirs, or take theirs.
              </p>
              <div class="form__actions">
                <button
                  type="button"
                  class="button button--primary"
                  disabled={conflict().theirs === null}
                  onClick={() => send({ type: "keep-mine" })}
                >
                  Keep my text (save again to replace theirs)
                </button>
                <button
                  type="button"
                  class="button button--secondary"
                  disabled={conflict().theirs === null}
                  onClick={() => send({ type: "take-theirs" })}
                >
                  Take their version
                </button>
              </div>
            </div>
          )}
        </Show>
        <Show when={draft()}>
          {(current) => (
            <div class="source-editor__panes" classList={{ "is-split": stale() !== undefined }}>
              <textarea
                ref={area}
                class="input source-editor__area"
                aria-label="Worksheet source"
                spellcheck={false}
                readOnly={!props.canEdit || state().status === "saving"}
                value={current().text}
                onInput={(event) => send({ type: "edit", text: event.currentTarget.value })}
                onKeyDown={(event) => {
                  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && props.canEdit) {
                    event.preventDefault();
                    void save();
                  } else if (event.key === "Escape") {
                    event.preventDefault();
                    cancel();
                  }
                }}
              />
              <Show when={stale()?.theirs}>
                {(theirs) => (
                  <textarea
                    class="input source-editor__area source-editor__theirs"
                    aria-label="Their version of the source"
                    readOnly
                    value={theirs().source}
                  />
                )}
              </Show>
            </div>
          )}
        </Show>
        <Show when={state().status === "editing" && state()}>
          {(editing) => {
            const message = () => (editing() as { error: string | null }).error;
            return <Show when={message()}>{(text) => <FormAlert>{text()}</FormAlert>}</Show>;
          }}
        </Show>
        <div class="form__actions">
          <Show when={props.canEdit}>
            <BusyButton
              type="button"
              busy={state().status === "saving"}
              busyLabel="Saving…"
              onClick={() => void save()}
            >
              Save
            </BusyButton>
          </Show>
          <button type="button" class="button button--ghost" onClick={cancel}>
            {props.canEdit ? "Cancel" : "Close"}
          </button>
          <Show when={isDirty(state())}>
            <span class="muted">Unsaved changes</span>
          </Show>
        </div>
      </Show>
    </section>
  );
}
