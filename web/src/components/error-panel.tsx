import { Show } from "solid-js";

/** A page-level failure: what went wrong and, when it may help, a way to try again. */
export function ErrorPanel(props: { title: string; message: string; onRetry?: () => void }) {
  return (
    <section class="card error-panel" role="alert">
      <h1 class="error-panel__title">{props.title}</h1>
      <p>{props.message}</p>
      <Show when={props.onRetry}>
        {(retry) => (
          <button type="button" class="button button--secondary" onClick={() => retry()()}>
            Try again
          </button>
        )}
      </Show>
    </section>
  );
}
