import type { JSX } from "solid-js";

/**
 * A message about a whole form. Errors use role="alert" so they are announced when they appear;
 * successes are polite status messages.
 */
export function FormAlert(props: { kind?: "error" | "success"; children: JSX.Element }) {
  const kind = () => props.kind ?? "error";
  return (
    <div class={`alert alert--${kind()}`} role={kind() === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}
