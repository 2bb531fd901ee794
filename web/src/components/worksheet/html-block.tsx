import type { HtmlBlock } from "@codalab/core/worksheet/blocks";
import { createMemo, createResource, Show } from "solid-js";
import { describeError } from "../../api/api-error.ts";
import { contentsPath } from "../../api/bundles-api.ts";
import { http } from "../../api/http-client.ts";
import { quiet } from "../../hooks/quiet-resource.ts";
import { BlockCaption } from "./block-caption.tsx";

/** Bytes shown at most; a larger page is cut rather than freezing the worksheet. */
const MAX_HTML_BYTES = 512 * 1024;

/**
 * `% display html`: the file in a frame with an empty `sandbox` (no scripts, forms, popups, and an
 * opaque origin with no access to the page or its cookies). The text goes in through `srcdoc`:
 * the contents URL answers as an attachment, which a frame would offer as a download instead.
 */
export function HtmlBlockView(props: { block: HtmlBlock }) {
  const uuid = () => props.block.bundles_spec.uuid_spec[0];
  const [html] = createResource(
    () => (props.block.status.code === "ready" ? uuid() : undefined),
    async (bundle) => {
      const response = await http.raw(
        `/rest/bundles/${bundle}/contents/blob/${contentsPath(props.block.target_genpath)}`,
        {
          headers: { Range: `bytes=0-${MAX_HTML_BYTES - 1}` },
        },
      );
      return response.text();
    },
  );
  const page = createMemo(() => {
    const text = quiet(html);
    return text === undefined ? undefined : { text };
  });
  return (
    <figure class="html-block">
      <BlockCaption spec={props.block.bundles_spec} path={props.block.target_genpath} />
      <Show
        when={props.block.status.code === "ready"}
        fallback={
          <p class="muted">{props.block.status.error_message || "There is no such file in this bundle (yet)."}</p>
        }
      >
        <Show when={!html.error} fallback={<p class="alert alert--error">{describeError(html.error)}</p>}>
          {/* Created once the text is here: a frame navigated from an empty srcdoc to the page may stay blank. */}
          <Show when={page()} keyed fallback={<p class="muted">Loading {props.block.target_genpath}…</p>}>
            {(loaded) => (
              <iframe class="html-block__frame" sandbox="" srcdoc={loaded.text} title={props.block.target_genpath} />
            )}
          </Show>
        </Show>
      </Show>
    </figure>
  );
}
