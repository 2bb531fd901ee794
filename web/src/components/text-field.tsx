import { createSignal, createUniqueId, type JSX, Show } from "solid-js";

export type TextFieldProps = {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  onBlur?: () => void;
  type?: "text" | "email" | "password" | "url";
  error?: string | undefined;
  hint?: JSX.Element;
  autocomplete?: string;
  required?: boolean;
  /** Adds "(optional)" to the label; unmarked fields read as required. */
  optional?: boolean;
  maxLength?: number;
  ref?: HTMLInputElement | ((element: HTMLInputElement) => void);
};

/**
 * A labelled input with its hint and error message tied to it through aria-describedby, so a
 * screen reader reads the problem when the field gets focus. Password fields get a show/hide
 * toggle: typing a new password blind is where most sign-up mistakes come from.
 */
export function TextField(props: TextFieldProps) {
  const id = createUniqueId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const [revealed, setRevealed] = createSignal(false);
  const isPassword = () => props.type === "password";
  const describedBy = () =>
    [props.error ? errorId : "", props.hint ? hintId : ""].filter((part) => part !== "").join(" ") || undefined;
  const isName = () => props.type === undefined || props.type === "text";

  return (
    <div class="field" classList={{ "field--invalid": Boolean(props.error) }}>
      <label class="field__label" for={id}>
        {props.label}
        <Show when={props.optional}>
          <span class="field__optional"> (optional)</span>
        </Show>
      </label>
      <div class="field__control">
        <input
          ref={props.ref}
          id={id}
          class="input"
          name={props.name}
          type={isPassword() && revealed() ? "text" : (props.type ?? "text")}
          value={props.value}
          onInput={(event) => props.onInput(event.currentTarget.value)}
          onBlur={() => props.onBlur?.()}
          autocomplete={props.autocomplete}
          required={props.required}
          maxLength={props.maxLength}
          autocapitalize={isName() ? undefined : "off"}
          spellcheck={isName() ? undefined : false}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={describedBy()}
        />
        <Show when={isPassword()}>
          <button
            type="button"
            class="field__reveal"
            aria-pressed={revealed()}
            aria-label={revealed() ? `Hide ${props.label.toLowerCase()}` : `Show ${props.label.toLowerCase()}`}
            onClick={() => setRevealed((shown) => !shown)}
          >
            {revealed() ? "Hide" : "Show"}
          </button>
        </Show>
      </div>
      <Show when={props.error}>
        <p id={errorId} class="field__error">
          {props.error}
        </p>
      </Show>
      <Show when={props.hint}>
        <p id={hintId} class="field__hint">
          {props.hint}
        </p>
      </Show>
    </div>
  );
}
