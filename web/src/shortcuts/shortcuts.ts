/**
 * The worksheet page's keyboard shortcuts (spec §10.7) and a matcher for them. Sequences such as
 * `g g` and `a t` are keys pressed one after the other within a second; chords are written
 * `shift+g`, `ctrl+enter`. Shortcuts never fire while typing in a field: editors handle their own
 * `ctrl+enter` and `esc`.
 */
export const SHORTCUTS = [
  { keys: ["k", "up"], action: "up", help: "Move up" },
  { keys: ["j", "down"], action: "down", help: "Move down" },
  { keys: ["g g"], action: "top", help: "Go to the top" },
  { keys: ["shift+g"], action: "bottom", help: "Go to the end" },
  { keys: ["enter"], action: "open", help: "Edit the markdown, or show the bundle's details" },
  { keys: ["shift+enter"], action: "open-bundle", help: "Open the bundle in a new window" },
  { keys: ["a t"], action: "add-text", help: "Add markdown below the cursor" },
  { keys: ["backspace", "del"], action: "delete", help: "Delete the markdown, or the selected bundles" },
  { keys: ["shift+e"], action: "edit-source", help: "Edit the whole worksheet source" },
  { keys: ["a u"], action: "upload", help: "Upload files or a folder" },
  { keys: ["a r"], action: "new-run", help: "New run" },
  { keys: ["a n"], action: "rerun", help: "Rerun the bundle at the cursor" },
  { keys: ["a s"], action: "download", help: "Download the bundle at the cursor" },
  { keys: ["x"], action: "select", help: "Select or unselect the bundle" },
  { keys: ["a k"], action: "kill", help: "Kill the selected bundles" },
  { keys: ["a c"], action: "copy", help: "Copy the selected bundles" },
  { keys: ["a d"], action: "cut", help: "Cut the selected bundles" },
  { keys: ["a v"], action: "paste", help: "Paste bundles below the cursor" },
  { keys: ["a f"], action: "search", help: "Focus the search box" },
  { keys: ["shift+c"], action: "terminal", help: "Show or hide the terminal" },
  { keys: ["shift+r"], action: "refresh", help: "Refresh the worksheet" },
  { keys: ["?"], action: "help", help: "Show these shortcuts" },
  { keys: ["+"], action: "widen", help: "Toggle the page width" },
] as const;

export type ShortcutAction = (typeof SHORTCUTS)[number]["action"];

/** Also written in editors: save and cancel. */
export const EDITOR_SHORTCUTS = [
  { keys: ["ctrl+enter"], help: "Save (⌘+Enter on a Mac)" },
  { keys: ["esc"], help: "Cancel" },
] as const;

export type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean };

const NAMED: Readonly<Record<string, string>> = {
  ArrowUp: "up",
  ArrowDown: "down",
  Enter: "enter",
  Escape: "esc",
  Backspace: "backspace",
  Delete: "del",
};

/**
 * `shift+g` for Shift-G; punctuation as typed (`?` already implies Shift on most layouts);
 * undefined for modifier keys pressed alone.
 */
export function chordOf(press: KeyPress): string | undefined {
  if (["Shift", "Control", "Meta", "Alt"].includes(press.key)) return undefined;
  const named = NAMED[press.key];
  const isLetter = /^[a-zA-Z]$/.test(press.key);
  const base = named ?? (isLetter ? press.key.toLowerCase() : press.key);
  const parts: string[] = [];
  if (press.ctrlKey || press.metaKey) parts.push("ctrl");
  if (press.altKey) parts.push("alt");
  if (press.shiftKey && (named !== undefined || isLetter)) parts.push("shift");
  parts.push(base);
  return parts.join("+");
}

const SEQUENCE_TIMEOUT_MS = 1000;

/** Feeds key presses, answers the action they complete (or undefined); remembers a started sequence. */
export class ShortcutMatcher {
  private pending: { chord: string; at: number } | undefined;
  private readonly byKeys = new Map<string, ShortcutAction>();
  private readonly prefixes = new Set<string>();

  constructor() {
    for (const shortcut of SHORTCUTS) {
      for (const keys of shortcut.keys) {
        this.byKeys.set(keys, shortcut.action);
        const [first, second] = keys.split(" ");
        if (second !== undefined && first !== undefined) this.prefixes.add(first);
      }
    }
  }

  /** `now` in milliseconds. Returns the action, "pending" while a sequence is half typed, or undefined. */
  press(press: KeyPress, now: number): ShortcutAction | "pending" | undefined {
    const chord = chordOf(press);
    if (chord === undefined) return this.pending ? "pending" : undefined;
    const previous = this.pending;
    this.pending = undefined;
    if (previous !== undefined && now - previous.at <= SEQUENCE_TIMEOUT_MS) {
      const action = this.byKeys.get(`${previous.chord} ${chord}`);
      if (action !== undefined) return action;
    }
    if (this.prefixes.has(chord)) {
      this.pending = { chord, at: now };
      return "pending";
    }
    return this.byKeys.get(chord);
  }

  reset(): void {
    this.pending = undefined;
  }
}

/** True when a key press belongs to what the user is typing, not to the page. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}
