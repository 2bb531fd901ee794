import { For, Show } from "solid-js";
import { type Worksheet, worksheetTitle } from "../api/worksheet.ts";
import { formatDateTime } from "../format/format-date.ts";

/** Worksheets as cards of title, name, owner, tags and last change. */
export function WorksheetList(props: { worksheets: readonly Worksheet[]; empty: string }) {
  return (
    <ul class="worksheet-list">
      <For each={props.worksheets} fallback={<li class="muted worksheet-list__empty">{props.empty}</li>}>
        {(worksheet) => (
          <li class="worksheet-list__item">
            <a class="worksheet-list__title" href={`/worksheets/${worksheet.uuid}`}>
              {worksheetTitle(worksheet)}
            </a>
            <p class="worksheet-list__meta">
              <span class="worksheet-list__name">{worksheet.name}</span>
              <Show when={worksheet.owner_name}>{(owner) => <span>by {owner()}</span>}</Show>
              <span>{formatDateTime(worksheet.date_last_modified)}</span>
              <Show when={worksheet.frozen !== null}>
                <span class="badge badge--frozen">Frozen</span>
              </Show>
            </p>
            <Show when={worksheet.tags.length > 0}>
              <p>
                <For each={worksheet.tags}>{(tag) => <span class="tag">{tag}</span>}</For>
              </p>
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
