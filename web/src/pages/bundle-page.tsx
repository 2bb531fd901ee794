import { useParams } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, lazy, onCleanup, Show } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { type Bundle, bundleName } from "../api/bundle.ts";
import { blobUrl, deleteBundles, fetchBundle, killBundle } from "../api/bundles-api.ts";
import { resolveWorksheet } from "../api/worksheets-api.ts";
import { watchBundles } from "../bundle/bundle-watch.ts";
import { FileBrowser } from "../components/bundle/file-browser.tsx";
import { MetadataEditor } from "../components/bundle/metadata-editor.tsx";
import { ErrorPanel } from "../components/error-panel.tsx";
import { FileTail } from "../components/file-tail.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { StateBadge } from "../components/state-badge.tsx";
import { isFinalState, lifecycle } from "../format/bundle-state.ts";
import { formatDateTime } from "../format/format-date.ts";
import { formatSize } from "../format/format-size.ts";
import { editableFields, formatMetadataValue, SHOWN_ELSEWHERE } from "../format/metadata-fields.ts";
import { quiet } from "../hooks/quiet-resource.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { showNotice } from "../notices/notice-store.ts";

const RunBuilderDialog = lazy(() =>
  import("../components/run/run-builder-dialog.tsx").then((m) => ({ default: m.RunBuilderDialog })),
);

const INCLUDE = ["children", "host_worksheets", "group_permissions"] as const;

/** `/bundles/<uuid>`: everything about one bundle, live while it runs. */
export function BundlePage() {
  const params = useParams<{ uuid: string }>();
  const [bundle, { mutate, refetch }] = createResource(
    () => params.uuid,
    (uuid) => fetchBundle(uuid, INCLUDE),
  );
  usePageTitle(() => {
    const current = quiet(bundle);
    return current ? bundleName(current) : "Bundle";
  });

  // Follow the bundle until it settles; each change refetches it with its extra fields.
  let stopWatching: (() => void) | undefined;
  let watching: string | undefined;
  createEffect(() => {
    const current = quiet(bundle);
    if (!current || isFinalState(current.state) || watching === current.uuid) return;
    stopWatching?.();
    watching = current.uuid;
    stopWatching = watchBundles([current.uuid], {
      onBundle: (next) => {
        if (next.state !== quiet(bundle)?.state || next.data_size !== quiet(bundle)?.data_size) void refetch();
      },
      onSettled: () => {
        watching = undefined;
        void refetch();
      },
      onUnavailable: () => {
        watching = undefined;
      },
    });
  });
  onCleanup(() => stopWatching?.());

  return (
    <Show
      when={quiet(bundle)}
      fallback={
        <Show when={bundle.error} fallback={<PageLoading label="Loading the bundle…" />}>
          {(error) => (
            <ErrorPanel
              title="Could not open this bundle"
              message={describeError(error())}
              onRetry={() => void refetch()}
            />
          )}
        </Show>
      }
    >
      {(current) => <BundleView bundle={current()} onChanged={(next) => (next ? mutate(next) : void refetch())} />}
    </Show>
  );
}

function BundleView(props: { bundle: Bundle; onChanged: (bundle?: Bundle) => void }) {
  const [editing, setEditing] = createSignal(false);
  const [rerunIn, setRerunIn] = createSignal<string | null>(null);
  const b = () => props.bundle;
  const running = () => !isFinalState(b().state);
  const canEdit = () => b().permission === "all";
  const fields = () => editableFields(b().bundle_type, b().state, b().permission, b().frozen !== null);
  const otherMetadata = () =>
    Object.entries(b().metadata).filter(
      ([key, value]) => !SHOWN_ELSEWHERE.has(key) && formatMetadataValue(key, value) !== "",
    );
  // A version string that changes whenever the contents may have: refetches the file browser.
  const version = () => `${b().state}:${b().data_size ?? ""}`;

  async function kill(): Promise<void> {
    try {
      props.onChanged(await killBundle(b().uuid));
      showNotice("info", "Kill requested.");
    } catch (error) {
      showNotice("error", `Could not kill: ${describeError(error)}`);
    }
  }

  async function remove(): Promise<void> {
    if (!window.confirm(`Delete ${bundleName(b())}? This cannot be undone.`)) return;
    try {
      await deleteBundles({ uuids: [b().uuid] });
      showNotice("success", `Deleted ${bundleName(b())}.`);
      history.back();
    } catch (error) {
      showNotice("error", `Could not delete: ${describeError(error)}`);
    }
  }

  async function rerun(): Promise<void> {
    try {
      setRerunIn((await resolveWorksheet("/")).uuid);
    } catch (error) {
      showNotice("error", describeError(error));
    }
  }

  return (
    <article class="bundle-page">
      <header class="bundle-page__header">
        <div class="bundle-page__title-row">
          <h1 class="bundle-page__title">{bundleName(b())}</h1>
          <span class="badge badge--muted">{b().bundle_type}</span>
          <StateBadge state={b().state} />
        </div>
        <p class="bundle-page__meta">
          <code class="bundle-page__uuid">{b().uuid}</code>
          <button type="button" class="link-button" onClick={() => void navigator.clipboard?.writeText(b().uuid)}>
            Copy
          </button>
          <Show when={b().owner_name}>{(owner) => <span>by {owner()}</span>}</Show>
          <span>created {formatDateTime(b().created)}</span>
          <Show when={b().data_size !== null}>
            <span>{formatSize(b().data_size ?? 0)}</span>
          </Show>
          <Show when={b().frozen !== null}>
            <span class="badge badge--frozen">Frozen</span>
          </Show>
        </p>
        <Show when={typeof b().metadata.description === "string" && b().metadata.description}>
          <p class="bundle-page__description">{String(b().metadata.description)}</p>
        </Show>
        <Show when={Array.isArray(b().metadata.tags) && (b().metadata.tags as string[]).length > 0}>
          <p>
            <For each={b().metadata.tags as string[]}>{(tag) => <span class="tag">{tag}</span>}</For>
          </p>
        </Show>
        <div class="form__actions bundle-page__actions">
          <Show when={b().data_size !== null}>
            <a
              class="button button--primary"
              href={blobUrl(b().uuid, "", b().is_dir ? { format: "tar.gz" } : {})}
              download=""
            >
              Download
            </a>
          </Show>
          <Show when={canEdit() && running()}>
            <button type="button" class="button button--secondary" onClick={() => void kill()}>
              Kill
            </button>
          </Show>
          <Show when={b().bundle_type === "run"}>
            <button type="button" class="button button--secondary" onClick={() => void rerun()}>
              Rerun…
            </button>
          </Show>
          <Show when={fields().length > 0 && !editing()}>
            <button type="button" class="button button--ghost" onClick={() => setEditing(true)}>
              Edit
            </button>
          </Show>
          <Show when={canEdit() && !running()}>
            <button type="button" class="button button--ghost button--danger-text" onClick={() => void remove()}>
              Delete
            </button>
          </Show>
        </div>
      </header>

      <section class="card bundle-page__state" aria-labelledby="bundle-state">
        <h2 id="bundle-state" class="card__title">
          State
        </h2>
        <ol class="lifecycle">
          <For each={lifecycle(b().bundle_type, b().state)}>
            {(step) => <li class={`lifecycle__step lifecycle__step--${step.status}`}>{step.state}</li>}
          </For>
          <Show when={b().state === "failed" || b().state === "killed" || b().state === "worker_offline"}>
            <li class="lifecycle__step lifecycle__step--stopped">{b().state}</li>
          </Show>
        </ol>
        <Show when={b().state_details}>
          {(details) => (
            <p class="bundle-page__details" classList={{ "alert alert--error": b().state === "failed" }}>
              {details()}
            </p>
          )}
        </Show>
      </section>

      <Show when={editing()}>
        <section class="card" aria-label="Edit metadata">
          <MetadataEditor
            bundle={b()}
            fields={fields()}
            onSaved={(next) => {
              setEditing(false);
              props.onChanged(next);
              showNotice("success", "Saved.");
            }}
            onCancel={() => setEditing(false)}
          />
        </section>
      </Show>

      <Show when={b().command}>
        {(command) => (
          <section class="card" aria-labelledby="bundle-command">
            <h2 id="bundle-command" class="card__title">
              Command
            </h2>
            <pre class="bundle-page__command">{command()}</pre>
          </section>
        )}
      </Show>

      <Show when={b().bundle_type === "run" && (running() || b().data_size !== null)}>
        <section class="bundle-page__tails" aria-label="Output">
          <FileTail uuid={b().uuid} path="stdout" label="stdout" running={running()} />
          <FileTail uuid={b().uuid} path="stderr" label="stderr" running={running()} />
        </section>
      </Show>

      <div class="bundle-page__grid">
        <section class="card" aria-labelledby="bundle-deps">
          <h2 id="bundle-deps" class="card__title">
            Dependencies
          </h2>
          <ul class="plain-list">
            <For each={b().dependencies} fallback={<li class="muted">None.</li>}>
              {(dep) => (
                <li>
                  <code>{dep.child_path || "."}</code> ←{" "}
                  <a href={`/bundles/${dep.parent_uuid}`}>{dep.parent_name ?? dep.parent_uuid.slice(0, 10)}</a>
                  {dep.parent_path ? `/${dep.parent_path}` : ""}
                  <Show when={dep.parent_state}>{(state) => <StateBadge state={state()} />}</Show>
                </li>
              )}
            </For>
          </ul>
          <h3 class="bundle-page__subtitle">Used by</h3>
          <ul class="plain-list">
            <For each={b().children ?? []} fallback={<li class="muted">No bundle depends on this one.</li>}>
              {(child) => (
                <li>
                  <a href={`/bundles/${child.uuid}`}>{child.name}</a>
                </li>
              )}
            </For>
          </ul>
          <h3 class="bundle-page__subtitle">On worksheets</h3>
          <ul class="plain-list">
            <For each={b().host_worksheets ?? []} fallback={<li class="muted">None.</li>}>
              {(worksheet) => (
                <li>
                  <a href={`/worksheets/${worksheet.uuid}`}>{worksheet.name}</a>
                </li>
              )}
            </For>
          </ul>
        </section>

        <section class="card" aria-labelledby="bundle-metadata">
          <h2 id="bundle-metadata" class="card__title">
            Metadata
          </h2>
          <dl class="details">
            <For each={otherMetadata()}>
              {([key, value]) => (
                <div class="details__row">
                  <dt>{key}</dt>
                  <dd>{formatMetadataValue(key, value)}</dd>
                </div>
              )}
            </For>
            <div class="details__row">
              <dt>permissions</dt>
              <dd>
                {(b().group_permissions ?? []).map((entry) => `${entry.group_name}: ${entry.permission}`).join(", ") ||
                  "only the owner"}{" "}
                <span class="muted">(yours: {b().permission})</span>
              </dd>
            </div>
          </dl>
        </section>
      </div>

      <section class="card" aria-labelledby="bundle-files">
        <h2 id="bundle-files" class="card__title">
          Files
        </h2>
        <Show
          when={b().is_dir !== null || running()}
          fallback={
            <p class="muted">
              {b().state === "uploading" ? "The upload has not finished." : "This bundle has no contents."}
            </p>
          }
        >
          <FileBrowser uuid={b().uuid} isDir={b().is_dir !== false} version={version()} />
        </Show>
      </section>

      <Show when={rerunIn()}>
        {(worksheetUuid) => (
          <RunBuilderDialog
            worksheetUuid={worksheetUuid()}
            rerun={b().uuid}
            onClose={() => setRerunIn(null)}
            onCreated={() => setRerunIn(null)}
          />
        )}
      </Show>
    </article>
  );
}
