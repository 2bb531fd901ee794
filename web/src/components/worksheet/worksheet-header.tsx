import { createSignal, For, Show } from "solid-js";
import { describeError } from "../../api/api-error.ts";
import { type Worksheet, worksheetTitle } from "../../api/worksheet.ts";
import { updateWorksheet } from "../../api/worksheets-api.ts";
import { formatDateTime } from "../../format/format-date.ts";
import { showNotice } from "../../notices/notice-store.ts";

export type HeaderActions = {
  onChanged(worksheet: Worksheet): void;
  onUpload(): void;
  onNewRun(): void;
  onEditSource(): void;
  onAddText(): void;
  onPermissions(): void;
  onHelp(): void;
  onTerminal(): void;
};

/** Title, name, owner, tags, sharing and freezing, and the page's main actions. */
export function WorksheetHeader(props: { worksheet: Worksheet; canEdit: boolean; actions: HeaderActions }) {
  const [editingTitle, setEditingTitle] = createSignal(false);
  const [editingTags, setEditingTags] = createSignal(false);
  const owner = () => props.worksheet.permission === "all";
  const frozen = () => props.worksheet.frozen !== null;

  async function change(body: Parameters<typeof updateWorksheet>[1], done?: string): Promise<boolean> {
    try {
      props.actions.onChanged(await updateWorksheet(props.worksheet.uuid, body));
      if (done) showNotice("success", done);
      return true;
    } catch (error) {
      showNotice("error", describeError(error));
      return false;
    }
  }

  const publicLevel = () =>
    props.worksheet.group_permissions.find((entry) => entry.group_name === "public")?.permission ?? "none";

  return (
    <header class="ws-header">
      <div class="ws-header__main">
        <Show
          when={editingTitle()}
          fallback={
            <h1 class="ws-header__title">
              {worksheetTitle(props.worksheet)}
              <Show when={props.canEdit}>
                <button
                  type="button"
                  class="icon-button ws-header__edit"
                  aria-label="Rename"
                  title="Change title and name"
                  onClick={() => setEditingTitle(true)}
                >
                  ✎
                </button>
              </Show>
            </h1>
          }
        >
          <form
            class="ws-header__form"
            onSubmit={async (event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              const ok = await change({ title: String(data.get("title") ?? ""), name: String(data.get("name") ?? "") });
              if (ok) setEditingTitle(false);
            }}
          >
            <label class="field">
              <span class="field__label">Title</span>
              <input class="input" name="title" value={props.worksheet.title ?? ""} maxLength={255} />
            </label>
            <label class="field">
              <span class="field__label">Name</span>
              <input class="input" name="name" value={props.worksheet.name} required />
            </label>
            <div class="form__actions">
              <button type="submit" class="button button--primary">
                Save
              </button>
              <button type="button" class="button button--ghost" onClick={() => setEditingTitle(false)}>
                Cancel
              </button>
            </div>
          </form>
        </Show>
        <p class="ws-header__meta">
          <span class="ws-header__name">{props.worksheet.name}</span>
          <Show when={props.worksheet.owner_name}>
            {(name) => (
              <span>
                by <a href={`/users/${name()}`}>{name()}</a>
              </span>
            )}
          </Show>
          <span title="Last changed">{formatDateTime(props.worksheet.date_last_modified)}</span>
          <Show when={frozen()}>
            <span class="badge badge--frozen">Frozen</span>
          </Show>
          <Show when={props.worksheet.is_anonymous}>
            <span class="badge">Anonymous</span>
          </Show>
          <span class="badge badge--muted" title="Who else can read this worksheet">
            {publicLevel() === "none" ? "Private" : `Public: ${publicLevel()}`}
          </span>
        </p>
        <Show
          when={editingTags()}
          fallback={
            <p class="ws-header__tags">
              <For each={props.worksheet.tags}>{(tag) => <span class="tag">{tag}</span>}</For>
              <Show when={props.canEdit}>
                <button type="button" class="link-button" onClick={() => setEditingTags(true)}>
                  {props.worksheet.tags.length === 0 ? "Add tags" : "Edit tags"}
                </button>
              </Show>
            </p>
          }
        >
          <form
            class="ws-header__tags-form"
            onSubmit={async (event) => {
              event.preventDefault();
              const text = String(new FormData(event.currentTarget).get("tags") ?? "");
              const tags = text.split(/[\s,]+/).filter((tag) => tag !== "");
              if (await change({ tags })) setEditingTags(false);
            }}
          >
            <input
              class="input"
              name="tags"
              aria-label="Tags, separated by spaces"
              value={props.worksheet.tags.join(" ")}
            />
            <button type="submit" class="button button--primary">
              Save tags
            </button>
            <button type="button" class="button button--ghost" onClick={() => setEditingTags(false)}>
              Cancel
            </button>
          </form>
        </Show>
      </div>
      <div class="ws-header__actions" role="toolbar" aria-label="Worksheet actions">
        <Show when={props.canEdit}>
          <button type="button" class="button button--primary" onClick={() => props.actions.onUpload()}>
            Upload
          </button>
          <button type="button" class="button button--secondary" onClick={() => props.actions.onNewRun()}>
            New run
          </button>
          <button type="button" class="button button--secondary" onClick={() => props.actions.onAddText()}>
            Add text
          </button>
        </Show>
        <button type="button" class="button button--ghost" onClick={() => props.actions.onEditSource()}>
          {props.canEdit ? "Edit source" : "View source"}
        </button>
        <Show when={owner()}>
          <button type="button" class="button button--ghost" onClick={() => props.actions.onPermissions()}>
            Share
          </button>
          <button
            type="button"
            class="button button--ghost"
            onClick={() =>
              void change(
                { frozen: !frozen() },
                frozen() ? "The worksheet can be edited again." : "The worksheet is frozen: it can no longer change.",
              )
            }
          >
            {frozen() ? "Unfreeze" : "Freeze"}
          </button>
        </Show>
        <button type="button" class="button button--ghost" onClick={() => props.actions.onTerminal()} title="Shift+C">
          Terminal
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={() => props.actions.onHelp()}
        >
          ?
        </button>
      </div>
    </header>
  );
}
