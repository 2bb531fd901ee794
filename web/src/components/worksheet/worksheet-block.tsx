import type { WorksheetBlock } from "@codalab/core/worksheet/blocks";
import { type JSX, Match, Switch } from "solid-js";
import { ContentsBlockView } from "./contents-block.tsx";
import { GraphBlockView } from "./graph-block.tsx";
import { HtmlBlockView } from "./html-block.tsx";
import { ImageBlockView } from "./image-block.tsx";
import { MarkupBlockView } from "./markup-block.tsx";
import { PlaceholderBlockView } from "./placeholder-block.tsx";
import { RecordBlockView } from "./record-block.tsx";
import { SchemaBlockView } from "./schema-block.tsx";
import { SubworksheetsBlockView } from "./subworksheets-block.tsx";
import { TableBlockView } from "./table-block.tsx";
import { isAtCursor, useWorksheet } from "./worksheet-context.ts";

/** One block of the page, with the cursor mark for blocks that are a single stop. */
export function WorksheetBlockView(props: { block: WorksheetBlock; index: number }) {
  const page = useWorksheet();
  // Tables and sub-worksheet lists mark the row under the cursor themselves.
  const rowBased = () => props.block.mode === "table_block" || props.block.mode === "subworksheets_block";
  const of = <M extends WorksheetBlock["mode"]>(mode: M) =>
    (props.block.mode === mode ? props.block : undefined) as Extract<WorksheetBlock, { mode: M }> | undefined;
  const view = (): JSX.Element => (
    <Switch>
      <Match when={of("markup_block")}>{(block) => <MarkupBlockView block={block()} index={props.index} />}</Match>
      <Match when={of("table_block")}>{(block) => <TableBlockView block={block()} index={props.index} />}</Match>
      <Match when={of("record_block")}>{(block) => <RecordBlockView block={block()} />}</Match>
      <Match when={of("contents_block")}>{(block) => <ContentsBlockView block={block()} />}</Match>
      <Match when={of("image_block")}>{(block) => <ImageBlockView block={block()} />}</Match>
      <Match when={of("html_block")}>{(block) => <HtmlBlockView block={block()} />}</Match>
      <Match when={of("graph_block")}>{(block) => <GraphBlockView block={block()} />}</Match>
      <Match when={of("schema_block")}>{(block) => <SchemaBlockView block={block()} index={props.index} />}</Match>
      <Match when={of("subworksheets_block")}>
        {(block) => <SubworksheetsBlockView block={block()} index={props.index} />}
      </Match>
      <Match when={of("placeholder_block")}>{(block) => <PlaceholderBlockView block={block()} />}</Match>
    </Switch>
  );
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: a click only moves the worksheet cursor, which the keyboard moves with j/k (page-level shortcuts)
    <div
      class={`ws-block ws-block--${props.block.mode.replace("_block", "")}`}
      classList={{ "is-cursor": !rowBased() && isAtCursor(page.cursor(), props.index) }}
      data-block={props.index}
      onClick={() => {
        if (!rowBased()) page.setCursor({ block: props.index, row: 0 });
      }}
      onDblClick={() => {
        if (props.block.mode === "markup_block" && !props.block.error && page.canEdit()) page.startEditing(props.index);
      }}
    >
      {view()}
    </div>
  );
}
