import type { MarkupBlock } from "@codalab/core/worksheet/blocks";
import { Show } from "solid-js";
import { MarkdownView } from "../markdown-view.tsx";
import { MarkdownEditor } from "./markdown-editor.tsx";
import { useWorksheet } from "./worksheet-context.ts";

/** Markdown text; error blocks ("Error in source line N") in the error style; edited in place. */
export function MarkupBlockView(props: { block: MarkupBlock; index: number }) {
  const page = useWorksheet();
  return (
    <Show
      when={page.editing() === props.index}
      fallback={
        <Show when={props.block.error} fallback={<MarkdownView text={props.block.text} />}>
          <p class="block-error" role="note">
            {props.block.text}
          </p>
        </Show>
      }
    >
      <MarkdownEditor
        initial={props.block.text}
        label="Edit markdown"
        onSave={(text) => page.saveMarkup(props.index, text)}
        onCancel={() => page.stopEditing()}
      />
    </Show>
  );
}
