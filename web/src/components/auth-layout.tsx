import { createUniqueId, type JSX, Show } from "solid-js";

/** The narrow centred card that sign-in and sign-up share. */
export function AuthLayout(props: {
  title: string;
  intro?: JSX.Element;
  children: JSX.Element;
  footer?: JSX.Element;
  wide?: boolean;
}) {
  const headingId = createUniqueId();
  return (
    <div class="auth" classList={{ "auth--wide": props.wide === true }}>
      <section class="card auth__card" aria-labelledby={headingId}>
        <h1 id={headingId} class="auth__title">
          {props.title}
        </h1>
        <Show when={props.intro}>
          <p class="auth__intro">{props.intro}</p>
        </Show>
        {props.children}
      </section>
      <Show when={props.footer}>
        <p class="auth__footer">{props.footer}</p>
      </Show>
    </div>
  );
}
