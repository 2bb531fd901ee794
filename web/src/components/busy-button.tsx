import { type JSX, Show } from "solid-js";
import { Spinner } from "./spinner.tsx";

export type BusyButtonProps = {
  busy: boolean;
  /** Replaces the label while busy, e.g. "Signing in…". */
  busyLabel: string;
  children: JSX.Element;
  type?: "submit" | "button";
  variant?: "primary" | "secondary" | "ghost" | "danger";
  block?: boolean;
  onClick?: () => void;
};

/**
 * A button that shows a spinner while its action runs. It stays focusable (aria-disabled rather
 * than disabled) so keyboard focus is not thrown to the page top mid-request; handlers ignore
 * clicks while busy.
 */
export function BusyButton(props: BusyButtonProps) {
  return (
    <button
      type={props.type ?? "submit"}
      class={`button button--${props.variant ?? "primary"}`}
      classList={{ "button--block": props.block === true, "is-busy": props.busy }}
      aria-disabled={props.busy ? "true" : undefined}
      onClick={() => {
        if (!props.busy) props.onClick?.();
      }}
    >
      <Show when={props.busy} fallback={props.children}>
        <Spinner />
        <span>{props.busyLabel}</span>
      </Show>
    </button>
  );
}
