import { describe, expect, it } from "vitest";
import { chordOf, type KeyPress, SHORTCUTS, ShortcutMatcher } from "./shortcuts.ts";

const key = (k: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("chordOf", () => {
  it("names letters, shifted letters, named keys and modifiers", () => {
    expect(chordOf(key("j"))).toBe("j");
    expect(chordOf(key("G", { shiftKey: true }))).toBe("shift+g");
    expect(chordOf(key("ArrowDown"))).toBe("down");
    expect(chordOf(key("Enter", { metaKey: true }))).toBe("ctrl+enter");
    expect(chordOf(key("Enter", { shiftKey: true }))).toBe("shift+enter");
    expect(chordOf(key("?", { shiftKey: true }))).toBe("?");
    expect(chordOf(key("Shift", { shiftKey: true }))).toBeUndefined();
  });
});

describe("ShortcutMatcher", () => {
  it("answers single keys and chords at once", () => {
    const matcher = new ShortcutMatcher();
    expect(matcher.press(key("j"), 0)).toBe("down");
    expect(matcher.press(key("ArrowUp"), 0)).toBe("up");
    expect(matcher.press(key("G", { shiftKey: true }), 0)).toBe("bottom");
    expect(matcher.press(key("?", { shiftKey: true }), 0)).toBe("help");
    expect(matcher.press(key("Delete"), 0)).toBe("delete");
  });

  it("completes two-key sequences typed within a second", () => {
    const matcher = new ShortcutMatcher();
    expect(matcher.press(key("g"), 0)).toBe("pending");
    expect(matcher.press(key("g"), 300)).toBe("top");
    expect(matcher.press(key("a"), 1000)).toBe("pending");
    expect(matcher.press(key("Shift", { shiftKey: true }), 1100)).toBe("pending");
    expect(matcher.press(key("t"), 1200)).toBe("add-text");
  });

  it("forgets a sequence left unfinished for more than a second", () => {
    const matcher = new ShortcutMatcher();
    matcher.press(key("a"), 0);
    expect(matcher.press(key("k"), 1500)).toBe("up");
  });

  it("falls back to the second key alone when the pair means nothing", () => {
    const matcher = new ShortcutMatcher();
    matcher.press(key("a"), 0);
    expect(matcher.press(key("j"), 100)).toBe("down");
  });

  it("gives every action of the help list a distinct key", () => {
    const all = SHORTCUTS.flatMap((shortcut) => shortcut.keys);
    expect(new Set(all).size).toBe(all.length);
  });
});
