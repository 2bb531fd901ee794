import type { ContentsBlock } from "@codalab/core/worksheet/blocks";
import { Show } from "solid-js";
import { BlockCaption } from "./block-caption.tsx";

/** `% display contents`: the first lines of a file of each bundle. */
export function ContentsBlockView(props: { block: ContentsBlock }) {
  return (
    <figure class="contents-block">
      <BlockCaption spec={props.block.bundles_spec} path={props.block.target_genpath} />
      <Show
        when={props.block.lines}
        fallback={<p class="muted">{props.block.status.error_message || "This file cannot be shown."}</p>}
      >
        {(lines) => <pre class="contents-block__text">{lines().join("\n")}</pre>}
      </Show>
    </figure>
  );
}
