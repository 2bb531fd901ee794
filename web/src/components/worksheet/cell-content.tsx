import type { TableCell } from "@codalab/core/worksheet/blocks";
import type { JSX } from "solid-js";
import { cellView } from "../../worksheet/cell-view.ts";

/** One table or record cell: text, a link into a bundle, a loading shimmer, or an error. */
export function CellContent(props: { cell: TableCell | undefined; bundleUuid: string | undefined }) {
  // A JSX expression that reads props is re-run when they change, so the cell fills in place.
  const render = (): JSX.Element => {
    const view = cellView(props.cell, props.bundleUuid);
    switch (view.kind) {
      case "pending":
        return (
          <span class="cell-pending" role="status">
            <span class="visually-hidden">Loading</span>
          </span>
        );
      case "error":
        return <span class="cell-error">&lt;{view.text}&gt;</span>;
      case "link":
        return (
          <a
            href={view.href}
            target={view.download ? "_blank" : undefined}
            rel={view.download ? "noopener" : undefined}
          >
            {view.text}
          </a>
        );
      case "text":
        return view.text;
    }
  };
  return <>{render()}</>;
}
