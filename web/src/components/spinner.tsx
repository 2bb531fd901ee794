/** A turning ring. Decorative: whatever shows it also says in words what is happening. */
export function Spinner(props: { size?: "sm" | "lg" }) {
  return <span class={`spinner spinner--${props.size ?? "sm"}`} aria-hidden="true" />;
}
