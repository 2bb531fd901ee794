import type { SubworksheetsBlock } from "@codalab/core/worksheet/blocks";
import { For, Show } from "solid-js";
import { isAtCursor, useWorksheet } from "./worksheet-context.ts";

/** Links to other worksheets (`[…]{{worksheet}}` lines and `% wsearch` results). */
export function SubworksheetsBlockView(props: { block: SubworksheetsBlock; index: number }) {
  const page = useWorksheet();
  return (
    <ul class="subworksheets">
      <For each={props.block.subworksheet_infos}>
        {(info, row) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: a click only moves the worksheet cursor, which the keyboard moves with j/k
          <li
            class="subworksheets__item"
            classList={{ "is-cursor": isAtCursor(page.cursor(), props.index, row()) }}
            onClick={() => page.setCursor({ block: props.index, row: row() })}
          >
            <Show
              when={info.name !== null && info.name !== "<private>"}
              fallback={<span class="muted">{info.name ?? "(deleted worksheet)"}</span>}
            >
              <a href={`/worksheets/${info.uuid}`} class="subworksheets__link">
                {info.title || info.name}
              </a>
              <Show when={info.title}>
                <span class="muted"> {info.name}</span>
              </Show>
              <Show when={info.owner_name}>
                <span class="muted"> · {info.owner_name}</span>
              </Show>
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
