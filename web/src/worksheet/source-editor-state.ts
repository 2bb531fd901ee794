/**
 * The full-source editor (`shift+e`) as a reducer. Saves name the version the edit started from;
 * when someone else saved since (409 STALE_VERSION), nothing is written and the editor keeps the
 * user's text, loads the other version beside it, and lets the user keep theirs (save over it) or
 * take the other. Nothing typed is ever dropped without the user choosing to.
 */
export type SourceDraft = {
  /** The version the text was based on; sent with the save. */
  baseVersion: number;
  /** The source as loaded at `baseVersion`. */
  original: string;
  text: string;
};

export type TheirSource = { version: number; source: string };

export type SourceEditorState =
  | { status: "loading" }
  | { status: "load-failed"; message: string }
  | { status: "editing"; draft: SourceDraft; error: string | null }
  | { status: "saving"; draft: SourceDraft }
  /** Someone saved version `currentVersion` meanwhile; `theirs` once it is loaded. */
  | { status: "stale"; draft: SourceDraft; currentVersion: number; theirs: TheirSource | null }
  | { status: "saved" };

export type SourceEditorEvent =
  | { type: "loaded"; version: number; source: string }
  | { type: "load-failed"; message: string }
  | { type: "edit"; text: string }
  | { type: "save" }
  | { type: "saved" }
  | { type: "save-failed"; message: string }
  | { type: "stale"; currentVersion: number }
  | { type: "theirs-loaded"; version: number; source: string }
  /** Keep my text, now based on their version: the next save replaces theirs. */
  | { type: "keep-mine" }
  /** Drop my text for theirs. */
  | { type: "take-theirs" };

export const initialSourceEditor: SourceEditorState = { status: "loading" };

export function isDirty(state: SourceEditorState): boolean {
  return "draft" in state && state.draft.text !== state.draft.original;
}

export function reduceSourceEditor(state: SourceEditorState, event: SourceEditorEvent): SourceEditorState {
  switch (event.type) {
    case "loaded":
      if (state.status !== "loading") return state;
      return {
        status: "editing",
        draft: { baseVersion: event.version, original: event.source, text: event.source },
        error: null,
      };
    case "load-failed":
      return state.status === "loading" ? { status: "load-failed", message: event.message } : state;
    case "edit":
      if (state.status === "editing") return { ...state, draft: { ...state.draft, text: event.text } };
      if (state.status === "stale") return { ...state, draft: { ...state.draft, text: event.text } };
      return state;
    case "save":
      return state.status === "editing" ? { status: "saving", draft: state.draft } : state;
    case "saved":
      return state.status === "saving" ? { status: "saved" } : state;
    case "save-failed":
      return state.status === "saving" ? { status: "editing", draft: state.draft, error: event.message } : state;
    case "stale":
      return state.status === "saving"
        ? { status: "stale", draft: state.draft, currentVersion: event.currentVersion, theirs: null }
        : state;
    case "theirs-loaded":
      if (state.status !== "stale") return state;
      return {
        ...state,
        currentVersion: Math.max(state.currentVersion, event.version),
        theirs: { version: event.version, source: event.source },
      };
    case "keep-mine":
      if (state.status !== "stale" || state.theirs === null) return state;
      return {
        status: "editing",
        draft: { baseVersion: state.theirs.version, original: state.theirs.source, text: state.draft.text },
        error: null,
      };
    case "take-theirs":
      if (state.status !== "stale" || state.theirs === null) return state;
      return {
        status: "editing",
        draft: { baseVersion: state.theirs.version, original: state.theirs.source, text: state.theirs.source },
        error: null,
      };
  }
}
