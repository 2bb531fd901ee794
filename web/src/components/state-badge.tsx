import type { BundleState } from "@codalab/core/constants";
import { stateTone } from "../format/bundle-state.ts";

/** A bundle's state as a coloured pill; running states pulse so a glance finds them. */
export function StateBadge(props: { state: BundleState | string; title?: string }) {
  return (
    <span class={`state state--${stateTone(props.state)}`} title={props.title}>
      {props.state}
    </span>
  );
}
