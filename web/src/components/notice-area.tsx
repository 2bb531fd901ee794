import { For } from "solid-js";
import { dismissNotice, notices } from "../notices/notice-store.ts";

/** Where app-wide notices appear, just under the navigation bar. */
export function NoticeArea() {
  return (
    <div class="notices container" aria-live="polite">
      <For each={notices()}>
        {(notice) => (
          <div class={`alert alert--${notice.kind} notice`} role={notice.kind === "error" ? "alert" : "status"}>
            <span>{notice.text}</span>
            <button
              type="button"
              class="notice__dismiss"
              aria-label="Dismiss message"
              onClick={() => dismissNotice(notice.id)}
            >
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
