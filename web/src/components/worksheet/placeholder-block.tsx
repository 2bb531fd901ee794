import type { PlaceholderBlock } from "@codalab/core/worksheet/blocks";

/** A `% search` whose results are on their way. */
export function PlaceholderBlockView(props: { block: PlaceholderBlock }) {
  return (
    <div class="placeholder-block" role="status">
      <span class="cell-pending" aria-hidden="true" />
      <span class="muted">
        Loading <code>% {props.block.directive}</code>…
      </span>
    </div>
  );
}
