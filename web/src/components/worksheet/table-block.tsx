import type { TableBlock } from "@codalab/core/worksheet/blocks";
import type { BlockBundleInfo } from "@codalab/core/worksheet/data-access";
import { For, Index, Show } from "solid-js";
import { progressiveCount } from "../../hooks/progressive-count.ts";
import { linksToBundle } from "../../worksheet/cell-view.ts";
import { StateBadge } from "../state-badge.tsx";
import { BundleRowDetails } from "./bundle-row-details.tsx";
import { CellContent } from "./cell-content.tsx";
import { isAtCursor, useWorksheet } from "./worksheet-context.ts";

function stateOf(info: BlockBundleInfo | undefined): string | undefined {
  return info !== undefined && "state" in info ? info.state : undefined;
}

function isReadable(info: BlockBundleInfo | undefined): boolean {
  return info !== undefined && info.bundle_type !== "private" && info.bundle_type !== "invalid";
}

/** A run of bundles as a table: one row per bundle, columns from the schema; rows select and expand. */
export function TableBlockView(props: { block: TableBlock; index: number }) {
  const page = useWorksheet();
  const columns = () => props.block.header;
  const shown = progressiveCount(() => props.block.rows.length);
  const rows = () => (shown() >= props.block.rows.length ? props.block.rows : props.block.rows.slice(0, shown()));
  return (
    <div class="table-scroll">
      <table class="bundle-table">
        <thead>
          <tr>
            <th class="bundle-table__select" scope="col">
              <span class="visually-hidden">Selected</span>
            </th>
            <For each={columns()}>{(column) => <th scope="col">{column}</th>}</For>
          </tr>
        </thead>
        <tbody>
          {/* By position: rows of a live-updated block keep their open details. */}
          <Index each={rows()}>
            {(row, rowIndex) => {
              const uuid = () => props.block.bundles_spec.uuid_spec[rowIndex];
              const info = () => props.block.bundles_spec.bundle_infos[rowIndex];
              const readable = () => isReadable(info());
              const selected = () => {
                const id = uuid();
                return id !== undefined && page.selected().has(id);
              };
              const expanded = () => {
                const id = uuid();
                return id !== undefined && page.expanded().has(id);
              };
              return (
                <>
                  <tr
                    class="bundle-table__row"
                    classList={{
                      "is-cursor": isAtCursor(page.cursor(), props.index, rowIndex),
                      "is-selected": selected(),
                    }}
                    data-bundle={uuid()}
                    onClick={() => page.setCursor({ block: props.index, row: rowIndex })}
                  >
                    <td class="bundle-table__select">
                      <Show when={readable() && uuid()}>
                        {(id) => (
                          <input
                            type="checkbox"
                            aria-label={`Select ${String(info()?.metadata.name ?? id())}`}
                            checked={selected()}
                            onChange={() => page.toggleSelected(id())}
                          />
                        )}
                      </Show>
                    </td>
                    <For each={columns()}>
                      {(column) => (
                        <td>
                          <Show
                            when={readable() && linksToBundle(column) && uuid()}
                            fallback={
                              <Show
                                when={column === "state" && typeof row()[column] === "string"}
                                fallback={<CellContent cell={row()[column]} bundleUuid={uuid()} />}
                              >
                                <StateBadge state={String(row()[column])} />
                              </Show>
                            }
                          >
                            {(id) => (
                              <a
                                href={`/bundles/${id()}`}
                                class="bundle-table__link"
                                onClick={(event) => {
                                  // A plain click expands details in place; modified clicks open the page.
                                  if (event.ctrlKey || event.metaKey || event.shiftKey) return;
                                  event.preventDefault();
                                  page.toggleExpanded(id());
                                }}
                              >
                                <CellContent cell={row()[column]} bundleUuid={id()} />
                              </a>
                            )}
                          </Show>
                        </td>
                      )}
                    </For>
                  </tr>
                  <Show when={expanded() && uuid()}>
                    {(id) => (
                      <tr class="bundle-table__details">
                        <td colSpan={columns().length + 1}>
                          <BundleRowDetails uuid={id()} state={stateOf(info())} />
                        </td>
                      </tr>
                    )}
                  </Show>
                </>
              );
            }}
          </Index>
        </tbody>
      </table>
      <Show when={props.block.rows.length === 0}>
        <p class="muted block-empty">No bundles.</p>
      </Show>
    </div>
  );
}
