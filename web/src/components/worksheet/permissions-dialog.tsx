import { PERMISSION_LEVELS, type PermissionLevel } from "@codalab/core/constants";
import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { describeError } from "../../api/api-error.ts";
import { listGroups } from "../../api/groups-api.ts";
import type { Worksheet } from "../../api/worksheet.ts";
import { fetchWorksheet, setWorksheetPermission, updateWorksheet } from "../../api/worksheets-api.ts";
import { quiet } from "../../hooks/quiet-resource.ts";
import { Dialog } from "../dialog.tsx";
import { FormAlert } from "../form-alert.tsx";

const LEVEL_TEXT: Record<PermissionLevel, string> = {
  none: "No access",
  read: "Can read",
  all: "Can edit and share",
};

/** Who may read or edit the worksheet: per-group levels (`cl wperm`) and anonymity. */
export function PermissionsDialog(props: {
  worksheet: Worksheet;
  onClose: () => void;
  onChanged: (worksheet: Worksheet) => void;
}) {
  const [worksheet, setWorksheet] = createSignal(props.worksheet);
  const [groups] = createResource(listGroups);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function apply(change: () => Promise<unknown>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await change();
      const fresh = await fetchWorksheet(props.worksheet.uuid);
      setWorksheet(fresh);
      props.onChanged(fresh);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  const unshared = () => {
    const shared = new Set(worksheet().group_permissions.map((entry) => entry.group_name));
    const names = ["public", ...(quiet(groups) ?? []).map((group) => group.name)];
    return [...new Set(names)].filter((name) => !shared.has(name));
  };

  const ids = createUniqueId();
  let newGroup: HTMLSelectElement | undefined;
  let newLevel: HTMLSelectElement | undefined;

  return (
    <Dialog title="Share this worksheet" onClose={props.onClose}>
      <p class="muted">
        The owner can always edit. Groups listed here get the level shown; <strong>public</strong> is everyone, signed
        in or not.
      </p>
      <table class="record-table permissions-table">
        <tbody>
          <For
            each={worksheet().group_permissions}
            fallback={
              <tr>
                <td class="muted">Only you have access.</td>
              </tr>
            }
          >
            {(entry) => (
              <tr>
                <th scope="row">{entry.group_name}</th>
                <td>
                  <select
                    class="input"
                    aria-label={`Permission of ${entry.group_name}`}
                    value={entry.permission}
                    disabled={busy()}
                    onChange={(event) =>
                      void apply(() =>
                        setWorksheetPermission(
                          worksheet().uuid,
                          entry.group_name,
                          event.currentTarget.value as PermissionLevel,
                        ),
                      )
                    }
                  >
                    <For each={PERMISSION_LEVELS}>{(level) => <option value={level}>{LEVEL_TEXT[level]}</option>}</For>
                  </select>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={unshared().length > 0}>
        <form
          class="permissions-add"
          onSubmit={(event) => {
            event.preventDefault();
            const group = newGroup?.value;
            const level = (newLevel?.value ?? "read") as PermissionLevel;
            if (group) void apply(() => setWorksheetPermission(worksheet().uuid, group, level));
          }}
        >
          <div class="field">
            <label class="field__label" for={`${ids}-group`}>
              Group
            </label>
            <select ref={newGroup} id={`${ids}-group`} class="input" name="group">
              <For each={unshared()}>{(name) => <option value={name}>{name}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label class="field__label" for={`${ids}-level`}>
              Permission
            </label>
            <select ref={newLevel} id={`${ids}-level`} class="input" name="permission">
              <option value="read">{LEVEL_TEXT.read}</option>
              <option value="all">{LEVEL_TEXT.all}</option>
            </select>
          </div>
          <button type="submit" class="button button--primary" disabled={busy()}>
            Share
          </button>
        </form>
      </Show>
      <label class="check">
        <input
          type="checkbox"
          checked={worksheet().is_anonymous}
          disabled={busy()}
          onChange={(event) => {
            const value = event.currentTarget.checked;
            void apply(() => updateWorksheet(worksheet().uuid, { is_anonymous: value }));
          }}
        />
        Anonymous: hide my name from readers
      </label>
      <Show when={groups.error}>
        <p class="muted">Your groups could not be listed: {describeError(groups.error)}</p>
      </Show>
      <Show when={error()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
    </Dialog>
  );
}
