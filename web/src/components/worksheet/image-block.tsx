import type { ImageBlock } from "@codalab/core/worksheet/blocks";
import { createSignal, Show } from "solid-js";
import { blobUrl } from "../../api/bundles-api.ts";
import { BlockCaption } from "./block-caption.tsx";

/** `% display image`: loaded from the bundle's contents URL, which the browser caches. */
export function ImageBlockView(props: { block: ImageBlock }) {
  const [failed, setFailed] = createSignal(false);
  const uuid = () => props.block.bundles_spec.uuid_spec[0];
  const readable = () => props.block.status.code === "ready" && uuid() !== undefined;
  return (
    <figure class="image-block">
      <BlockCaption spec={props.block.bundles_spec} path={props.block.target_genpath} />
      <Show
        when={readable() && !failed()}
        fallback={<p class="muted">{props.block.status.error_message || "This image cannot be shown."}</p>}
      >
        <img
          class="image-block__image"
          src={blobUrl(uuid() ?? "", props.block.target_genpath)}
          alt={props.block.target_genpath}
          loading="lazy"
          width={props.block.width ?? undefined}
          height={props.block.height ?? undefined}
          onError={() => setFailed(true)}
        />
      </Show>
    </figure>
  );
}
