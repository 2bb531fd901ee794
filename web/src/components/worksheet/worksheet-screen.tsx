import type { WorksheetBlock } from "@codalab/core/worksheet/blocks";
import { useNavigate } from "@solidjs/router";
import { batch, createMemo, createSignal, Index, lazy, onCleanup, onMount, Show } from "solid-js";
import { describeError } from "../../api/api-error.ts";
import { blobUrl, deleteBundles, killBundle } from "../../api/bundles-api.ts";
import type { Interpretation, Worksheet } from "../../api/worksheet.ts";
import { worksheetTitle } from "../../api/worksheet.ts";
import {
  addItems,
  deleteItems,
  fetchDirectiveBlocks,
  fetchFileCells,
  fetchInterpretation,
  fetchLiveBlocks,
} from "../../api/worksheets-api.ts";
import { watchBundles } from "../../bundle/bundle-watch.ts";
import { usePageTitle } from "../../hooks/use-page-title.ts";
import { showNotice } from "../../notices/notice-store.ts";
import { isTypingTarget, type ShortcutAction, ShortcutMatcher } from "../../shortcuts/shortcuts.ts";
import { applyLiveBlocks, unfinishedBundles } from "../../worksheet/block-updates.ts";
import { bundleAt, type Cursor, clampCursor, insertAfterId, lastCursor, moveCursor } from "../../worksheet/cursor.ts";
import { liveDelay } from "../../worksheet/live-schedule.ts";
import { takePrefetched } from "../../worksheet/prefetch.ts";
import { itemIdsOfBundles, readClipboard, selectedInOrder, writeClipboard } from "../../worksheet/selection.ts";
import { fillPendingCells, loadWorksheet, type WorksheetApi } from "../../worksheet/worksheet-loader.ts";
import { ErrorPanel } from "../error-panel.tsx";
import { PageLoading } from "../page-loading.tsx";
import { MarkdownEditor } from "./markdown-editor.tsx";
import { SelectionBar } from "./selection-bar.tsx";
import { ShortcutsDialog } from "./shortcuts-dialog.tsx";
import { SourceEditor } from "./source-editor.tsx";
import { WorksheetBlockView } from "./worksheet-block.tsx";
import { WorksheetContext, type WorksheetPageContext } from "./worksheet-context.ts";
import { WorksheetHeader } from "./worksheet-header.tsx";

// Dialogs and the terminal load when first opened: most visits only read.
const UploadDialog = lazy(() => import("../upload/upload-dialog.tsx").then((m) => ({ default: m.UploadDialog })));
const RunBuilderDialog = lazy(() =>
  import("../run/run-builder-dialog.tsx").then((m) => ({ default: m.RunBuilderDialog })),
);
const TerminalPanel = lazy(() => import("../terminal/terminal-panel.tsx").then((m) => ({ default: m.TerminalPanel })));
const PermissionsDialog = lazy(() =>
  import("./permissions-dialog.tsx").then((m) => ({ default: m.PermissionsDialog })),
);

const api: WorksheetApi = {
  interpretation: (uuid, signal) => takePrefetched(uuid) ?? fetchInterpretation(uuid, signal),
  directive: fetchDirectiveBlocks,
  fileCells: fetchFileCells,
};

type OpenDialog =
  | { kind: "upload" }
  | { kind: "run"; rerun?: string }
  | { kind: "help" }
  | { kind: "permissions" }
  | null;

/** The worksheet page once its uuid is known: blocks, cursor, editing, dialogs and live updates. */
export function WorksheetScreen(props: { uuid: string }) {
  const navigate = useNavigate();
  const [worksheet, setWorksheet] = createSignal<Worksheet>();
  const [blocks, setBlocks] = createSignal<readonly WorksheetBlock[]>([]);
  const [failure, setFailure] = createSignal<unknown>();
  const [cursor, setCursorSignal] = createSignal<Cursor | null>(null);
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = createSignal<number | "new" | null>(null);
  const [sourceMode, setSourceMode] = createSignal(false);
  const [dialog, setDialog] = createSignal<OpenDialog>(null);
  const [wide, setWide] = createSignal(false);
  const [terminal, setTerminal] = createSignal(false);
  usePageTitle(() => {
    const current = worksheet();
    return current ? worksheetTitle(current) : "Worksheet";
  });

  const canEdit = () => {
    const current = worksheet();
    return current !== undefined && current.permission === "all" && current.frozen === null;
  };

  let loading: AbortController | undefined;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let liveRound = 0;
  let stopWatching: (() => void) | undefined;
  const changedBundles = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const stopLive = () => {
    stopWatching?.();
    stopWatching = undefined;
    clearTimeout(liveTimer);
    clearTimeout(flushTimer);
    flushTimer = undefined;
    changedBundles.clear();
  };
  onCleanup(() => {
    loading?.abort();
    stopLive();
  });

  const view = {
    loaded(interpretation: Interpretation) {
      batch(() => {
        setWorksheet(interpretation.worksheet);
        setBlocks(interpretation.blocks);
        const current = cursor();
        if (current !== null)
          setCursorSignal(interpretation.blocks.length === 0 ? null : clampCursor(interpretation.blocks, current));
      });
    },
    blocks,
    update: (next: WorksheetBlock[]) => setBlocks(next),
    partFailed: (error: unknown) =>
      showNotice("error", `Part of the worksheet could not be loaded: ${describeError(error)}`),
  };

  /** Loads (or reloads) everything, then follows running bundles. */
  async function reload(): Promise<void> {
    loading?.abort();
    stopLive();
    const controller = new AbortController();
    loading = controller;
    try {
      await loadWorksheet(props.uuid, api, view, controller.signal);
      setFailure(undefined);
      followLive();
    } catch (error) {
      if (!controller.signal.aborted) setFailure(error);
    }
  }

  /** Re-interprets only the blocks showing `uuids` (never the whole worksheet) and swaps them in. */
  async function refreshBundles(uuids: readonly string[]): Promise<void> {
    const live = await fetchLiveBlocks(props.uuid, uuids);
    const next = applyLiveBlocks(blocks(), live);
    if (next === null) return reload();
    setBlocks(next);
    await fillPendingCells(
      api,
      view,
      live.filter((block): block is WorksheetBlock => block !== null),
    );
  }

  /**
   * Follows unfinished bundles: the server pushes their changes (bundle events); the blocks of
   * changed bundles are fetched in small batches. Without events, polls with back-off.
   */
  function followLive(): void {
    stopLive();
    const uuids = unfinishedBundles(blocks());
    if (uuids.length === 0) return;
    const described = new Set<string>();
    const shownState = (uuid: string) => {
      for (const block of blocks()) {
        if (!("bundles_spec" in block)) continue;
        const info = block.bundles_spec.bundle_infos.find((entry) => entry.uuid === uuid);
        if (info && "state" in info) return info.state;
      }
      return undefined;
    };
    stopWatching = watchBundles(uuids, {
      onBundle(bundle) {
        // The first event describes the bundle as it is: news only if the page shows something older.
        const first = !described.has(bundle.uuid);
        described.add(bundle.uuid);
        if (first && bundle.state === shownState(bundle.uuid)) return;
        changedBundles.add(bundle.uuid);
        flushTimer ??= setTimeout(() => {
          flushTimer = undefined;
          const batchOf = [...changedBundles];
          changedBundles.clear();
          refreshBundles(batchOf).catch(() => {
            // The next event of these bundles asks again.
          });
        }, 300);
      },
      onSettled() {
        stopWatching = undefined;
      },
      onUnavailable() {
        stopWatching = undefined;
        liveRound = 0;
        pollLive();
      },
    });
  }

  /** The fallback: asks about unfinished bundles with back-off until all have finished. */
  function pollLive(lastLatency = 0): void {
    clearTimeout(liveTimer);
    if (unfinishedBundles(blocks()).length === 0) return;
    liveTimer = setTimeout(
      async () => {
        const started = performance.now();
        try {
          await refreshBundles(unfinishedBundles(blocks()));
        } catch {
          // A missed update is retried on the next round.
        }
        liveRound += 1;
        pollLive(performance.now() - started);
      },
      liveDelay(liveRound, lastLatency),
    );
  }

  onMount(() => void reload());

  // ---- actions ----------------------------------------------------------------------------------

  async function run<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      showNotice("error", `${what}: ${describeError(error)}`);
      return undefined;
    }
  }

  function realIds(block: WorksheetBlock | undefined): number[] {
    return (block?.ids ?? []).filter((id): id is number => id !== null);
  }

  async function saveMarkup(target: number | "new", text: string): Promise<void> {
    const source = text.replace(/\s+$/, "");
    if (target === "new") {
      if (source !== "") {
        // Consecutive markup lines merge into one block: blank lines keep the new text its own.
        const afterId = insertAfterId(blocks(), cursor());
        const at = cursor();
        const next = at === null ? undefined : blocks()[at.block + 1];
        const lines = [
          afterId === 0 || blocks().length === 0 ? null : "",
          source,
          next?.mode === "markup_block" ? "" : null,
        ];
        await addItems(props.uuid, {
          source: lines.filter((line) => line !== null).join("\n"),
          after_id: afterId,
        });
      }
    } else {
      const ids = realIds(blocks()[target]);
      if (source === "") await deleteItems(props.uuid, ids);
      else await addItems(props.uuid, { source, replace_ids: ids });
    }
    setEditing(null);
    await reload();
  }

  async function replaceItems(target: number, source: string): Promise<void> {
    await addItems(props.uuid, { source, replace_ids: realIds(blocks()[target]) });
    await reload();
  }

  async function deleteAtCursor(): Promise<void> {
    const sel = selectedInOrder(blocks(), selected());
    if (sel.length > 0) return deleteSelected();
    const at = cursor();
    const block = at === null ? undefined : blocks()[at.block];
    if (block?.mode !== "markup_block" || !canEdit()) return;
    if (!window.confirm("Delete this text?")) return;
    await run("Could not delete the text", async () => {
      await deleteItems(props.uuid, realIds(block));
      await reload();
    });
  }

  async function deleteSelected(): Promise<void> {
    const uuids = selectedInOrder(blocks(), selected());
    if (uuids.length === 0) return;
    if (!window.confirm(`Delete ${uuids.length} bundle${uuids.length === 1 ? "" : "s"}? This cannot be undone.`))
      return;
    const deleted = await run("Could not delete", () => deleteBundles({ uuids }));
    if (deleted) {
      showNotice("success", `Deleted ${deleted.length} bundle${deleted.length === 1 ? "" : "s"}.`);
      setSelected(new Set<string>());
      await reload();
    }
  }

  async function killSelected(): Promise<void> {
    const uuids = selectedInOrder(blocks(), selected());
    const targets = uuids.length > 0 ? uuids : [bundleAt(blocks(), cursor())].filter((uuid) => uuid !== undefined);
    if (targets.length === 0) return;
    await run("Could not kill", async () => {
      await Promise.all(targets.map((uuid) => killBundle(uuid)));
      showNotice("info", `Kill requested for ${targets.length} bundle${targets.length === 1 ? "" : "s"}.`);
      await reload();
    });
  }

  function copySelected(cut: boolean): void {
    const uuids = selectedInOrder(blocks(), selected());
    const targets = uuids.length > 0 ? uuids : [bundleAt(blocks(), cursor())].filter((uuid) => uuid !== undefined);
    if (targets.length === 0) return;
    const itemIds = itemIdsOfBundles(blocks(), new Set(targets));
    writeClipboard(localStorage, {
      uuids: targets,
      cut: cut && canEdit() ? { worksheet_uuid: props.uuid, item_ids: itemIds } : null,
    });
    showNotice(
      "info",
      `${cut ? "Cut" : "Copied"} ${targets.length} bundle${targets.length === 1 ? "" : "s"}; paste with a v.`,
    );
  }

  async function paste(): Promise<void> {
    const clipboard = readClipboard(localStorage);
    if (clipboard === null || !canEdit()) return;
    await run("Could not paste", async () => {
      await addItems(props.uuid, {
        items: clipboard.uuids.map((uuid) => ({ type: "bundle" as const, bundle_uuid: uuid })),
        after_id: insertAfterId(blocks(), cursor()),
      });
      if (clipboard.cut) await deleteItems(clipboard.cut.worksheet_uuid, clipboard.cut.item_ids);
      writeClipboard(localStorage, clipboard.cut ? null : clipboard);
      await reload();
    });
  }

  function openAtCursor(newWindow: boolean): void {
    const at = cursor();
    if (at === null) return;
    const block = blocks()[at.block];
    if (block?.mode === "markup_block" && !newWindow) {
      if (canEdit() && !block.error) setEditing(at.block);
      return;
    }
    if (block?.mode === "subworksheets_block") {
      const target = block.subworksheet_infos[at.row];
      if (target) navigate(`/worksheets/${target.uuid}`);
      return;
    }
    const uuid = bundleAt(blocks(), at);
    if (uuid === undefined) return;
    if (newWindow) window.open(`/bundles/${uuid}`, "_blank", "noopener");
    else toggle(setExpanded, uuid);
  }

  function toggle(setter: (update: (current: ReadonlySet<string>) => ReadonlySet<string>) => void, uuid: string) {
    setter((current) => {
      const next = new Set(current);
      if (next.has(uuid)) next.delete(uuid);
      else next.add(uuid);
      return next;
    });
  }

  function setCursor(next: Cursor | null): void {
    setCursorSignal(next);
    if (next === null) return;
    // Keep the cursor in view without jumping: only scroll when it left the screen.
    queueMicrotask(() => {
      const row = document.querySelector(".is-cursor");
      row?.scrollIntoView({ block: "nearest" });
    });
  }

  function perform(action: ShortcutAction): void {
    switch (action) {
      case "up":
        setCursor(moveCursor(blocks(), cursor(), -1));
        return;
      case "down":
        setCursor(moveCursor(blocks(), cursor(), 1));
        return;
      case "top":
        setCursor(blocks().length > 0 ? { block: 0, row: 0 } : null);
        return;
      case "bottom":
        setCursor(lastCursor(blocks()));
        return;
      case "open":
        openAtCursor(false);
        return;
      case "open-bundle":
        openAtCursor(true);
        return;
      case "add-text":
        if (canEdit()) setEditing("new");
        return;
      case "delete":
        void deleteAtCursor();
        return;
      case "edit-source":
        setSourceMode(true);
        return;
      case "upload":
        if (canEdit()) setDialog({ kind: "upload" });
        return;
      case "new-run":
        if (canEdit()) setDialog({ kind: "run" });
        return;
      case "rerun": {
        const uuid = bundleAt(blocks(), cursor());
        if (uuid && canEdit()) setDialog({ kind: "run", rerun: uuid });
        return;
      }
      case "download": {
        const uuid = bundleAt(blocks(), cursor());
        if (uuid) window.location.assign(blobUrl(uuid, "", { format: "tar.gz" }));
        return;
      }
      case "select": {
        const uuid = bundleAt(blocks(), cursor());
        if (uuid) toggle(setSelected, uuid);
        return;
      }
      case "kill":
        void killSelected();
        return;
      case "copy":
        copySelected(false);
        return;
      case "cut":
        copySelected(true);
        return;
      case "paste":
        void paste();
        return;
      case "search":
        document.querySelector<HTMLInputElement>("#nav-search")?.focus();
        return;
      case "terminal":
        setTerminal((open) => !open);
        return;
      case "refresh":
        void reload();
        return;
      case "help":
        setDialog({ kind: "help" });
        return;
      case "widen":
        setWide((value) => !value);
        return;
    }
  }

  const matcher = new ShortcutMatcher();
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || isTypingTarget(event.target) || dialog() !== null || sourceMode()) return;
    if (editing() !== null) return;
    const action = matcher.press(event, performance.now());
    if (action === undefined || action === "pending") return;
    event.preventDefault();
    perform(action);
  };
  onMount(() => document.addEventListener("keydown", onKeyDown));
  onCleanup(() => document.removeEventListener("keydown", onKeyDown));

  const context: WorksheetPageContext = {
    worksheet: () => worksheet() as Worksheet,
    blocks,
    canEdit,
    cursor,
    setCursor,
    selected,
    toggleSelected: (uuid) => toggle(setSelected, uuid),
    expanded,
    toggleExpanded: (uuid) => toggle(setExpanded, uuid),
    editing,
    startEditing: setEditing,
    stopEditing: () => setEditing(null),
    saveMarkup,
    replaceItems,
    rerun: (uuid) => setDialog({ kind: "run", rerun: uuid }),
  };

  /** The names of the bundles shown, for the terminal's completion. */
  const bundleNames = createMemo(() => {
    const names = new Set<string>();
    for (const block of blocks()) {
      if (!("bundles_spec" in block)) continue;
      for (const info of block.bundles_spec.bundle_infos) {
        const name = info.metadata.name;
        if (typeof name === "string" && !name.startsWith("<")) names.add(name);
      }
    }
    return [...names];
  });

  const selectionCount = createMemo(() => selectedInOrder(blocks(), selected()).length);

  return (
    <Show
      when={worksheet()}
      fallback={
        <Show when={failure()} fallback={<PageLoading label="Loading the worksheet…" />}>
          {(error) => (
            <ErrorPanel
              title="Could not open this worksheet"
              message={describeError(error())}
              onRetry={() => void reload()}
            />
          )}
        </Show>
      }
    >
      {(current) => (
        <WorksheetContext.Provider value={context}>
          <div class="worksheet" classList={{ "worksheet--wide": wide() }}>
            <WorksheetHeader
              worksheet={current()}
              canEdit={canEdit()}
              actions={{
                onChanged: (changed) => {
                  setWorksheet(changed);
                  if (changed.uuid === props.uuid) void reload();
                },
                onUpload: () => setDialog({ kind: "upload" }),
                onNewRun: () => setDialog({ kind: "run" }),
                onEditSource: () => setSourceMode(true),
                onAddText: () => setEditing("new"),
                onPermissions: () => setDialog({ kind: "permissions" }),
                onHelp: () => setDialog({ kind: "help" }),
                onTerminal: () => setTerminal((open) => !open),
              }}
            />
            <Show when={failure()}>
              {(error) => <p class="alert alert--error">Could not refresh the worksheet: {describeError(error())}</p>}
            </Show>
            <Show when={selectionCount() > 0}>
              <SelectionBar
                count={selectionCount()}
                canEdit={canEdit()}
                onKill={() => void killSelected()}
                onDelete={() => void deleteSelected()}
                onCopy={() => copySelected(false)}
                onCut={() => copySelected(true)}
                onClear={() => setSelected(new Set<string>())}
              />
            </Show>
            <Show
              when={!sourceMode()}
              fallback={
                <SourceEditor
                  uuid={props.uuid}
                  canEdit={canEdit()}
                  onClose={(saved) => {
                    setSourceMode(false);
                    if (saved) void reload();
                  }}
                />
              }
            >
              <div class="worksheet__blocks">
                <Show when={blocks().length === 0 && editing() !== "new"}>
                  <div class="worksheet__empty">
                    <p>This worksheet is empty.</p>
                    <Show when={canEdit()}>
                      <p class="muted">Add text, upload data or start a run with the buttons above.</p>
                    </Show>
                  </div>
                </Show>
                {/* By position, not by object: a live update swaps a block for a new one, and the views
                    (open details, output being followed) must stay while their contents change. */}
                <Index each={blocks()}>
                  {(block, index) => (
                    <>
                      <WorksheetBlockView block={block()} index={index} />
                      <Show when={editing() === "new" && cursor()?.block === index}>
                        <NewTextEditor onSave={(text) => saveMarkup("new", text)} onCancel={() => setEditing(null)} />
                      </Show>
                    </>
                  )}
                </Index>
                <Show when={editing() === "new" && cursor() === null}>
                  <NewTextEditor onSave={(text) => saveMarkup("new", text)} onCancel={() => setEditing(null)} />
                </Show>
              </div>
            </Show>
          </div>
          <Show when={terminal()}>
            <TerminalPanel
              worksheetUuid={props.uuid}
              words={bundleNames}
              onClose={() => setTerminal(false)}
              onChanged={() => void reload()}
            />
          </Show>
          <Show when={dialog()?.kind === "help"}>
            <ShortcutsDialog onClose={() => setDialog(null)} />
          </Show>
          <Show when={dialog()?.kind === "upload"}>
            <UploadDialog worksheetUuid={props.uuid} onClose={() => setDialog(null)} onUploaded={() => void reload()} />
          </Show>
          <Show
            when={(() => {
              const open = dialog();
              return open?.kind === "run" ? open : undefined;
            })()}
          >
            {(open) => (
              <RunBuilderDialog
                worksheetUuid={props.uuid}
                rerun={open().rerun}
                onClose={() => setDialog(null)}
                onCreated={() => {
                  setDialog(null);
                  void reload();
                }}
              />
            )}
          </Show>
          <Show when={dialog()?.kind === "permissions"}>
            <PermissionsDialog
              worksheet={current()}
              onClose={() => setDialog(null)}
              onChanged={(changed) => setWorksheet(changed)}
            />
          </Show>
        </WorksheetContext.Provider>
      )}
    </Show>
  );
}

function NewTextEditor(props: { onSave: (text: string) => Promise<void>; onCancel: () => void }) {
  return (
    <div class="ws-block ws-block--new">
      <MarkdownEditor initial="" label="New markdown" onSave={props.onSave} onCancel={props.onCancel} />
    </div>
  );
}
