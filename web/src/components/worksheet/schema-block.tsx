import type { SchemaBlock } from "@codalab/core/worksheet/blocks";
import { createSignal, For, Index, Show } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { describeError } from "../../api/api-error.ts";
import { rowsOfSchema, type SchemaRow, schemaSource } from "../../worksheet/schema-source.ts";
import { BusyButton } from "../busy-button.tsx";
import { FormAlert } from "../form-alert.tsx";
import { useWorksheet } from "./worksheet-context.ts";

/** `% schema`: its columns as a grid (field, path, post-processor), editable by owners. */
export function SchemaBlockView(props: { block: SchemaBlock; index: number }) {
  const page = useWorksheet();
  const [editing, setEditing] = createSignal(false);
  return (
    <section class="schema-block" aria-label={`Schema ${props.block.schema_name}`}>
      <header class="schema-block__head">
        <span>
          Schema <strong>{props.block.schema_name}</strong>
        </span>
        <Show when={page.canEdit() && !editing()}>
          <button type="button" class="button button--ghost button--small" onClick={() => setEditing(true)}>
            Edit schema
          </button>
        </Show>
      </header>
      <Show when={editing()} fallback={<SchemaTable block={props.block} />}>
        <SchemaEditor block={props.block} index={props.index} onDone={() => setEditing(false)} />
      </Show>
    </section>
  );
}

function SchemaTable(props: { block: SchemaBlock }) {
  return (
    <div class="table-scroll">
      <table class="record-table schema-block__table">
        <thead>
          <tr>
            <th scope="col">field</th>
            <th scope="col">generalized path</th>
            <th scope="col">post-processor</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.block.field_rows}>
            {(row) => (
              <tr>
                <td>
                  {row.field}
                  <Show when={row.from_schema_name !== null && row.from_schema_name !== props.block.schema_name}>
                    <span class="muted"> (from {row.from_schema_name})</span>
                  </Show>
                </td>
                <td>
                  <code>{row.genpath}</code>
                </td>
                <td>{row.post_processor ? <code>{row.post_processor}</code> : ""}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

/** Rows may be added, removed and moved; saving replaces the schema's items with the new lines. */
function SchemaEditor(props: { block: SchemaBlock; index: number; onDone: () => void }) {
  const page = useWorksheet();
  const [rows, setRows] = createStore<SchemaRow[]>(rowsOfSchema(props.block.schema_name, props.block.field_rows));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const move = (from: number, to: number) =>
    setRows(
      produce((list) => {
        const [row] = list.splice(from, 1);
        if (row) list.splice(to, 0, row);
      }),
    );

  async function save(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await page.replaceItems(props.index, schemaSource(props.block.schema_name, rows));
      props.onDone();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="schema-editor">
      <Index each={rows}>
        {(row, i) => (
          <div class="schema-editor__row">
            <Show
              when={row().kind === "add" ? (row() as Extract<SchemaRow, { kind: "add" }>) : undefined}
              fallback={
                <label class="schema-editor__addschema">
                  all columns of schema
                  <input
                    class="input"
                    value={(row() as Extract<SchemaRow, { kind: "addschema" }>).schema}
                    onInput={(event) => setRows(i, { kind: "addschema", schema: event.currentTarget.value })}
                  />
                </label>
              }
            >
              {(add) => (
                <>
                  <input
                    class="input"
                    aria-label={`Field ${i + 1}`}
                    placeholder="field"
                    value={add().field}
                    onInput={(event) => setRows(i, { ...add(), field: event.currentTarget.value })}
                  />
                  <input
                    class="input schema-editor__path"
                    aria-label={`Path ${i + 1}`}
                    placeholder="/stats.json:accuracy"
                    value={add().genpath}
                    onInput={(event) => setRows(i, { ...add(), genpath: event.currentTarget.value })}
                  />
                  <input
                    class="input"
                    aria-label={`Post-processor ${i + 1}`}
                    placeholder="%.3f"
                    list="post-processors"
                    value={add().post}
                    onInput={(event) => setRows(i, { ...add(), post: event.currentTarget.value })}
                  />
                </>
              )}
            </Show>
            <div class="schema-editor__tools">
              <button
                type="button"
                class="icon-button"
                aria-label={`Move row ${i + 1} up`}
                disabled={i === 0}
                onClick={() => move(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                class="icon-button"
                aria-label={`Move row ${i + 1} down`}
                disabled={i === rows.length - 1}
                onClick={() => move(i, i + 1)}
              >
                ↓
              </button>
              <button
                type="button"
                class="icon-button"
                aria-label={`Remove row ${i + 1}`}
                onClick={() => setRows(produce((list) => list.splice(i, 1)))}
              >
                ×
              </button>
            </div>
          </div>
        )}
      </Index>
      <datalist id="post-processors">
        <option value="duration" />
        <option value="date" />
        <option value="size" />
        <option value="%.3f" />
        <option value="[0:8]" />
        <option value="str" />
      </datalist>
      <div class="form__actions">
        <button
          type="button"
          class="button button--secondary"
          onClick={() => setRows(rows.length, { kind: "add", field: "", genpath: "", post: "" })}
        >
          Add column
        </button>
        <span class="spacer" />
        <button type="button" class="button button--ghost" onClick={() => props.onDone()}>
          Cancel
        </button>
        <BusyButton type="button" busy={busy()} busyLabel="Saving…" onClick={save}>
          Save schema
        </BusyButton>
      </div>
      <Show when={error()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
    </div>
  );
}
