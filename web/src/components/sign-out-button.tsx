import { useNavigate } from "@solidjs/router";
import { createSignal } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { showNotice } from "../notices/notice-store.ts";
import { session } from "../session/session-store.ts";
import { BusyButton } from "./busy-button.tsx";

/** Ends the session and goes home; a failure leaves the user signed in and says why. */
export function SignOutButton(props: { variant?: "secondary" | "ghost" }) {
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);

  async function signOut(): Promise<void> {
    setBusy(true);
    try {
      await session.signOut();
      navigate("/");
      showNotice("info", "You are signed out.");
    } catch (error) {
      showNotice("error", `Could not sign out: ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <BusyButton
      type="button"
      variant={props.variant ?? "secondary"}
      busy={busy()}
      busyLabel="Signing out…"
      onClick={signOut}
    >
      Sign out
    </BusyButton>
  );
}
