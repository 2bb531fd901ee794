import { createSignal } from "solid-js";

export type NoticeKind = "info" | "success" | "error";
export type Notice = { id: number; kind: NoticeKind; text: string };

/** Long enough to read two lines; errors stay until dismissed, since they may need acting on. */
const AUTO_DISMISS_MS = 6000;

const [notices, setNotices] = createSignal<readonly Notice[]>([]);
let nextId = 1;

export { notices };

/** A message that outlives the page that raised it (e.g. "You are signed out" after leaving). */
export function showNotice(kind: NoticeKind, text: string): void {
  const id = nextId++;
  setNotices((list) => [...list, { id, kind, text }]);
  if (kind !== "error") setTimeout(() => dismissNotice(id), AUTO_DISMISS_MS);
}

export function dismissNotice(id: number): void {
  setNotices((list) => list.filter((notice) => notice.id !== id));
}
