import type { BundlesSpec } from "@codalab/core/worksheet/blocks";
import { Show } from "solid-js";

/** "name / path" above a contents, image or html block, linking to the bundle. */
export function BlockCaption(props: { spec: BundlesSpec; path: string }) {
  const info = () => props.spec.bundle_infos[0];
  const name = () => String(info()?.metadata.name ?? props.spec.uuid_spec[0]?.slice(0, 10) ?? "");
  const readable = () => info() !== undefined && info()?.bundle_type !== "private" && info()?.bundle_type !== "invalid";
  return (
    <p class="block-caption">
      <Show when={readable()} fallback={<span>{name()}</span>}>
        <a href={`/bundles/${info()?.uuid}`}>{name()}</a>
      </Show>
      <Show when={props.path !== ""}>
        <span class="block-caption__path"> / {props.path}</span>
      </Show>
    </p>
  );
}
