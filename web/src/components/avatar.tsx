import type { User } from "../api/user.ts";
import { initials } from "../api/user.ts";

/** Initials in a circle until profile pictures exist; decorative next to the name it stands for. */
export function Avatar(props: { user: User; size?: "sm" | "lg" }) {
  return (
    <span class={`avatar avatar--${props.size ?? "sm"}`} aria-hidden="true">
      {initials(props.user)}
    </span>
  );
}
