import { createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { ApiError, describeError } from "../../api/api-error.ts";
import type { TargetInfo } from "../../api/bundle.ts";
import { blobUrl, contentsPath, fetchTargetInfo } from "../../api/bundles-api.ts";
import { http } from "../../api/http-client.ts";
import { isTextResponse, joinPath, pathCrumbs, previewKind, TEXT_PREVIEW_BYTES } from "../../bundle/file-preview.ts";
import { formatSize } from "../../format/format-size.ts";
import { quiet } from "../../hooks/quiet-resource.ts";
import { FileIcon } from "../file-icon.tsx";
import { Spinner } from "../spinner.tsx";

/** Browse a bundle's directories and preview its files; `version` changes refetch (a run wrote more). */
export function FileBrowser(props: { uuid: string; isDir: boolean; version: string }) {
  const [directory, setDirectory] = createSignal("");
  const [file, setFile] = createSignal<string | null>(props.isDir ? null : "");
  const [listing] = createResource(
    () => (props.isDir ? ([props.uuid, directory(), props.version] as const) : undefined),
    ([uuid, path]) => fetchTargetInfo(uuid, path, 1),
  );
  const entries = () =>
    [...(quiet(listing)?.contents ?? [])].sort((a, b) =>
      a.type === b.type ? a.name.localeCompare(b.name) : a.type === "directory" ? -1 : b.type === "directory" ? 1 : 0,
    );
  const openDirectory = (path: string) => {
    setDirectory(path);
    setFile(null);
  };
  const open = (entry: TargetInfo) => {
    const path = joinPath(directory(), entry.name);
    if (entry.type === "directory") openDirectory(path);
    else if (entry.type === "file") setFile(path);
  };

  return (
    <div class="file-browser">
      <Show when={props.isDir}>
        <nav class="breadcrumbs" aria-label="Folder">
          <button type="button" class="link-button" onClick={() => openDirectory("")}>
            (bundle)
          </button>
          <For each={pathCrumbs(directory())}>
            {([name, path]) => (
              <>
                <span aria-hidden="true">/</span>
                <button type="button" class="link-button" onClick={() => openDirectory(path)}>
                  {name}
                </button>
              </>
            )}
          </For>
        </nav>
        <Switch>
          <Match when={listing.error}>{(error) => <p class="alert alert--error">{describeError(error())}</p>}</Match>
          <Match when={quiet(listing) === undefined}>
            <p class="muted">
              <Spinner /> Listing files…
            </p>
          </Match>
          <Match when={true}>
            <table class="file-table">
              <tbody>
                <For
                  each={entries()}
                  fallback={
                    <tr>
                      <td class="muted">This folder is empty.</td>
                    </tr>
                  }
                >
                  {(entry) => (
                    <tr classList={{ "is-open": file() === joinPath(directory(), entry.name) }}>
                      <td class="file-table__name">
                        <Show
                          when={entry.type !== "link"}
                          fallback={
                            <span title={`symbolic link to ${entry.link ?? "?"}`}>
                              {entry.name} → {entry.link}
                            </span>
                          }
                        >
                          <button type="button" class="link-button" onClick={() => open(entry)}>
                            <FileIcon kind={entry.type === "directory" ? "directory" : "file"} />
                            {entry.name}
                            {entry.type === "directory" ? "/" : ""}
                          </button>
                        </Show>
                      </td>
                      <td class="file-table__size">{entry.type === "file" ? formatSize(entry.size) : ""}</td>
                      <td class="file-table__actions">
                        <Show when={entry.type !== "link"}>
                          <a
                            href={blobUrl(
                              props.uuid,
                              joinPath(directory(), entry.name),
                              entry.type === "directory" ? { format: "tar.gz" } : {},
                            )}
                            download=""
                            aria-label={`Download ${entry.name}`}
                          >
                            Download
                          </a>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Match>
        </Switch>
      </Show>
      <Show when={file()} keyed>
        {(path) => <FilePreview uuid={props.uuid} path={path} version={props.version} />}
      </Show>
      <Show when={!props.isDir && file() === ""}>
        <FilePreview uuid={props.uuid} path="" version={props.version} />
      </Show>
    </div>
  );
}

type Preview = { kind: "text"; text: string; truncated: boolean } | { kind: "binary" } | { kind: "image" };

function FilePreview(props: { uuid: string; path: string; version: string }) {
  const name = () => props.path.split("/").at(-1) ?? "";
  const [preview] = createResource(
    () => [props.uuid, props.path, props.version] as const,
    async ([uuid, path]): Promise<Preview> => {
      if (path !== "" && previewKind(path) === "image") return { kind: "image" };
      let response: Response;
      try {
        response = await http.raw(`/rest/bundles/${uuid}/contents/blob/${contentsPath(path)}`, {
          headers: { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` },
        });
      } catch (error) {
        // An empty file has no byte 0 to start a range at.
        if (error instanceof ApiError && error.status === 416) return { kind: "text", text: "", truncated: false };
        throw error;
      }
      if (!isTextResponse(response.headers.get("Content-Type"))) {
        await response.body?.cancel();
        return { kind: "binary" };
      }
      const total = Number(response.headers.get("X-Codalab-Target-Size") ?? Number.NaN);
      const text = await response.text();
      return { kind: "text", text, truncated: Number.isFinite(total) && total > TEXT_PREVIEW_BYTES };
    },
  );
  return (
    <section class="file-preview" aria-label={`Preview of ${props.path || "the file"}`}>
      <header class="file-preview__head">
        <strong>{props.path || "(file)"}</strong>
        <a href={blobUrl(props.uuid, props.path)} download="">
          Download
        </a>
      </header>
      <Switch>
        <Match when={preview.error}>{(error) => <p class="alert alert--error">{describeError(error())}</p>}</Match>
        <Match when={preview.loading}>
          <p class="muted">
            <Spinner /> Loading…
          </p>
        </Match>
        <Match when={quiet(preview)?.kind === "image"}>
          <img class="file-preview__image" src={blobUrl(props.uuid, props.path)} alt={name()} />
        </Match>
        <Match when={quiet(preview)?.kind === "binary"}>
          <p class="muted">This file is not text; download it to open it.</p>
        </Match>
        <Match when={quiet(preview)?.kind === "text" && (quiet(preview) as Extract<Preview, { kind: "text" }>)}>
          {(text) => (
            <>
              <pre class="file-preview__text">{text().text}</pre>
              <Show when={text().truncated}>
                <p class="muted">Only the first {formatSize(TEXT_PREVIEW_BYTES)} is shown.</p>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
