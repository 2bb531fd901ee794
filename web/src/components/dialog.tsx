import { createUniqueId, type JSX, onCleanup, onMount } from "solid-js";

export type DialogProps = {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  /** Buttons at the bottom, right-aligned. */
  footer?: JSX.Element;
  size?: "md" | "lg";
};

/**
 * A modal built on the native <dialog>: the browser traps focus, makes the page behind inert and
 * closes on Escape. Mount it only while open (wrap it in <Show>), so its contents load on demand.
 */
export function Dialog(props: DialogProps) {
  const titleId = createUniqueId();
  let element: HTMLDialogElement | undefined;
  onMount(() => element?.showModal());
  onCleanup(() => element?.close());
  return (
    <dialog
      ref={element}
      class={`dialog dialog--${props.size ?? "md"}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <header class="dialog__header">
        <h2 id={titleId} class="dialog__title">
          {props.title}
        </h2>
        <button type="button" class="dialog__close" aria-label="Close" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <div class="dialog__body">{props.children}</div>
      {props.footer ? <footer class="dialog__footer">{props.footer}</footer> : null}
    </dialog>
  );
}
