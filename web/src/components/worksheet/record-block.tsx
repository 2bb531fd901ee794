import type { RecordBlock } from "@codalab/core/worksheet/blocks";
import { For } from "solid-js";
import { CellContent } from "./cell-content.tsx";

/** `% display record`: one bundle as a key/value table. */
export function RecordBlockView(props: { block: RecordBlock }) {
  const uuid = () => props.block.bundles_spec.uuid_spec[0];
  return (
    <div class="table-scroll">
      <table class="record-table">
        <tbody>
          <For each={props.block.rows}>
            {(row) => (
              <tr>
                <th scope="row">{row.key}</th>
                <td>
                  <CellContent cell={row.value} bundleUuid={uuid()} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
