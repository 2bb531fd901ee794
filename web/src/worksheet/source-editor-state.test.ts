import { describe, expect, it } from "vitest";
import {
  initialSourceEditor,
  isDirty,
  reduceSourceEditor,
  type SourceEditorEvent,
  type SourceEditorState,
} from "./source-editor-state.ts";

function run(...events: SourceEditorEvent[]): SourceEditorState {
  return events.reduce(reduceSourceEditor, initialSourceEditor);
}

describe("the source editor", () => {
  it("saves an edit against the version it was loaded at", () => {
    const editing = run({ type: "loaded", version: 3, source: "a\n" }, { type: "edit", text: "a\nb\n" });
    expect(isDirty(editing)).toBe(true);
    const saving = reduceSourceEditor(editing, { type: "save" });
    expect(saving).toEqual({ status: "saving", draft: { baseVersion: 3, original: "a\n", text: "a\nb\n" } });
    expect(reduceSourceEditor(saving, { type: "saved" })).toEqual({ status: "saved" });
  });

  it("ignores typing and a second save while saving", () => {
    const saving = run({ type: "loaded", version: 1, source: "" }, { type: "edit", text: "x" }, { type: "save" });
    expect(reduceSourceEditor(saving, { type: "edit", text: "y" })).toBe(saving);
    expect(reduceSourceEditor(saving, { type: "save" })).toBe(saving);
  });

  it("keeps the text after a failed save and shows why", () => {
    const state = run(
      { type: "loaded", version: 1, source: "" },
      { type: "edit", text: "x" },
      { type: "save" },
      { type: "save-failed", message: "no" },
    );
    expect(state).toEqual({ status: "editing", draft: { baseVersion: 1, original: "", text: "x" }, error: "no" });
  });

  it("on a concurrent save keeps my text, shows theirs, and lets me save mine over theirs", () => {
    let state = run(
      { type: "loaded", version: 4, source: "a\n" },
      { type: "edit", text: "mine\n" },
      { type: "save" },
      { type: "stale", currentVersion: 5 },
    );
    expect(state).toMatchObject({ status: "stale", currentVersion: 5, theirs: null, draft: { text: "mine\n" } });
    // Choices wait until their version is on screen.
    expect(reduceSourceEditor(state, { type: "keep-mine" })).toBe(state);
    state = reduceSourceEditor(state, { type: "theirs-loaded", version: 5, source: "theirs\n" });
    state = reduceSourceEditor(state, { type: "edit", text: "mine, merged\n" });
    const kept = reduceSourceEditor(state, { type: "keep-mine" });
    expect(kept).toEqual({
      status: "editing",
      draft: { baseVersion: 5, original: "theirs\n", text: "mine, merged\n" },
      error: null,
    });
  });

  it("can take their version instead", () => {
    const state = run(
      { type: "loaded", version: 4, source: "a\n" },
      { type: "edit", text: "mine\n" },
      { type: "save" },
      { type: "stale", currentVersion: 5 },
      { type: "theirs-loaded", version: 5, source: "theirs\n" },
      { type: "take-theirs" },
    );
    expect(state).toEqual({
      status: "editing",
      draft: { baseVersion: 5, original: "theirs\n", text: "theirs\n" },
      error: null,
    });
    expect(isDirty(state)).toBe(false);
  });

  it("reports a source that could not be loaded", () => {
    expect(run({ type: "load-failed", message: "gone" })).toEqual({ status: "load-failed", message: "gone" });
  });
});
