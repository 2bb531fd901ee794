import { createSignal, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { describeError } from "../../api/api-error.ts";
import { formatSize } from "../../format/format-size.ts";
import { browserUploadDeps } from "../../upload/browser-deps.ts";
import { isResumable, type UploadProgress, uploadItem } from "../../upload/browser-upload.ts";
import {
  archiveOf,
  bundleKindOf,
  defaultBundleName,
  itemSize,
  itemsFromDrop,
  itemsFromFileList,
  nameAfterUnpackChange,
  type UploadItem,
} from "../../upload/upload-items.ts";
import { uploadPercent, uploadStatusText } from "../../upload/upload-status.ts";
import { Dialog } from "../dialog.tsx";

type Row = {
  item: UploadItem;
  name: string;
  /** An archive the page can unpack: whether to (unticked "keep archive as one file"). */
  unpack: boolean;
  status: "waiting" | "uploading" | "done" | "failed";
  progress: UploadProgress | null;
  error: string | null;
  /** The failure was a dropped connection: trying again continues where it stopped. */
  resumable: boolean;
};

/**
 * `a u`: upload files and folders (picked or dropped) as bundles on this worksheet, with a
 * progress bar each. Archives are unpacked unless kept as one file (`cl upload --pack`). An
 * interrupted upload is retried with the missing parts only.
 */
export function UploadDialog(props: { worksheetUuid: string; onClose: () => void; onUploaded: () => void }) {
  const [rows, setRows] = createStore<Row[]>([]);
  const [dragging, setDragging] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  const add = (items: UploadItem[]) =>
    setRows((current) => [
      ...current,
      ...items.map((item): Row => {
        const unpack = archiveOf(item)?.unpackable ?? false;
        return {
          item,
          name: defaultBundleName(item, { unpack }),
          unpack,
          status: "waiting",
          progress: null,
          error: null,
          resumable: false,
        };
      }),
    ]);

  async function start(): Promise<void> {
    if (busy()) return;
    setBusy(true);
    let uploaded = 0;
    for (let index = 0; index < rows.length; index += 1) {
      const row = rows[index];
      if (row === undefined || row.status === "done" || row.status === "uploading") continue;
      setRows(index, { status: "uploading", error: null, resumable: false });
      try {
        await uploadItem(
          row.item,
          {
            name: row.name,
            worksheetUuid: props.worksheetUuid,
            unpack: row.unpack,
            onProgress: (progress) => setRows(index, "progress", progress),
          },
          browserUploadDeps,
        );
        setRows(index, { status: "done" });
        uploaded += 1;
      } catch (error) {
        setRows(index, { status: "failed", error: describeError(error), resumable: isResumable(error) });
      }
    }
    setBusy(false);
    if (uploaded > 0) props.onUploaded();
    if (rows.every((row) => row.status === "done")) props.onClose();
  }

  return (
    <Dialog
      title="Upload"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="button button--ghost" onClick={() => props.onClose()}>
            {busy() ? "Continue in background" : "Close"}
          </button>
          <button
            type="button"
            class="button button--primary"
            disabled={busy() || rows.every((row) => row.status === "done")}
            onClick={() => void start()}
          >
            {busy() ? "Uploading…" : rows.some((row) => row.status === "failed") ? "Try again" : "Upload"}
          </button>
        </>
      }
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the two buttons inside do the same from the keyboard */}
      <div
        class="dropzone"
        classList={{ "is-dragging": dragging() }}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          if (event.dataTransfer) void itemsFromDrop(event.dataTransfer).then(add);
        }}
      >
        <p class="dropzone__title">Drop files or folders here</p>
        <p class="muted">
          Each file becomes a bundle; each folder becomes one bundle with its contents. Archives (.tar, .tar.gz, .tgz,
          .zip) become a folder and .gz files the file they hold, unless kept as one file.
        </p>
        <div class="form__actions dropzone__buttons">
          <label class="button button--secondary">
            Choose files
            <input
              type="file"
              multiple
              class="visually-hidden"
              onChange={(event) => {
                add(itemsFromFileList(event.currentTarget.files ?? []));
                event.currentTarget.value = "";
              }}
            />
          </label>
          <label class="button button--secondary">
            Choose a folder
            <input
              type="file"
              class="visually-hidden"
              {...{ webkitdirectory: true }}
              onChange={(event) => {
                add(itemsFromFileList(event.currentTarget.files ?? []));
                event.currentTarget.value = "";
              }}
            />
          </label>
        </div>
      </div>
      <ul class="upload-list">
        <For each={rows}>
          {(row, index) => (
            <li class="upload-row" classList={{ [`upload-row--${row.status}`]: true }}>
              <div class="upload-row__head">
                <span class="upload-row__kind" aria-hidden="true">
                  {bundleKindOf(row.item, row.unpack) === "directory" ? "▣" : "▤"}
                </span>
                <label class="upload-row__name">
                  <span class="visually-hidden">Bundle name for {row.item.name}</span>
                  <input
                    class="input"
                    value={row.name}
                    disabled={row.status === "uploading" || row.status === "done"}
                    onInput={(event) => setRows(index(), "name", event.currentTarget.value)}
                  />
                </label>
                <span class="muted upload-row__size">{formatSize(itemSize(row.item))}</span>
                <Show when={row.status === "waiting" || row.status === "failed"}>
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={`Remove ${row.item.name}`}
                    onClick={() => setRows((current) => current.filter((_, i) => i !== index()))}
                  >
                    ×
                  </button>
                </Show>
              </div>
              <Show when={archiveOf(row.item)}>
                {(archive) => (
                  <Show
                    when={archive().unpackable}
                    fallback={
                      <p class="upload-row__note muted">
                        Uploaded as one file: browsers cannot unpack bzip2 (<code>cl upload</code> can).
                      </p>
                    }
                  >
                    <label class="check upload-row__note">
                      <input
                        type="checkbox"
                        checked={!row.unpack}
                        disabled={row.status === "uploading" || row.status === "done"}
                        onChange={(event) => {
                          const unpack = !event.currentTarget.checked;
                          setRows(index(), { unpack, name: nameAfterUnpackChange(row.item, row.name, unpack) });
                        }}
                      />
                      Keep archive as one file<span class="visually-hidden"> ({row.item.name})</span>
                    </label>
                  </Show>
                )}
              </Show>
              <Show when={row.status !== "waiting"}>
                <div
                  class="progress"
                  role="progressbar"
                  aria-label={`Upload of ${row.name}`}
                  aria-valuemin="0"
                  aria-valuemax="100"
                  aria-valuenow={uploadPercent(row)}
                >
                  <div class="progress__fill" style={{ width: `${uploadPercent(row)}%` }} />
                </div>
                <p class="upload-row__status">
                  {uploadStatusText(row)}
                  <Show when={row.resumable}> Try again to continue where it stopped.</Show>
                </p>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Dialog>
  );
}
