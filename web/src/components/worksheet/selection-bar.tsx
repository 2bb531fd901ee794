import { Show } from "solid-js";

/** Shown while bundles are selected: what can be done with them all at once. */
export function SelectionBar(props: {
  count: number;
  canEdit: boolean;
  onKill: () => void;
  onDelete: () => void;
  onCopy: () => void;
  onCut: () => void;
  onClear: () => void;
}) {
  return (
    <div class="selection-bar" role="toolbar" aria-label="Selected bundles">
      <span class="selection-bar__count">{props.count} selected</span>
      <button type="button" class="button button--secondary button--small" onClick={() => props.onCopy()}>
        Copy
      </button>
      <Show when={props.canEdit}>
        <button type="button" class="button button--secondary button--small" onClick={() => props.onCut()}>
          Cut
        </button>
      </Show>
      <button type="button" class="button button--secondary button--small" onClick={() => props.onKill()}>
        Kill
      </button>
      <button type="button" class="button button--danger button--small" onClick={() => props.onDelete()}>
        Delete
      </button>
      <button type="button" class="button button--ghost button--small" onClick={() => props.onClear()}>
        Clear
      </button>
    </div>
  );
}
