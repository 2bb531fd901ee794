import { createResource, Show } from "solid-js";
import { describeError } from "../../api/api-error.ts";
import { bundleName } from "../../api/bundle.ts";
import { blobUrl, fetchBundle } from "../../api/bundles-api.ts";
import { isFinalState } from "../../format/bundle-state.ts";
import { formatSize } from "../../format/format-size.ts";
import { quiet } from "../../hooks/quiet-resource.ts";
import { FileTail } from "../file-tail.tsx";
import { Spinner } from "../spinner.tsx";
import { StateBadge } from "../state-badge.tsx";
import { useWorksheet } from "./worksheet-context.ts";

/** What `enter` on a bundle row shows in place: state, command, dependencies, output, actions. */
export function BundleRowDetails(props: { uuid: string; state: string | undefined }) {
  const page = useWorksheet();
  // Fetched again when a live update changes the row's state.
  const [bundle] = createResource(
    () => [props.uuid, props.state] as const,
    ([uuid]) => fetchBundle(uuid),
  );
  return (
    <div class="row-details">
      <Show when={!bundle.error} fallback={<p class="alert alert--error">{describeError(bundle.error)}</p>}>
        <Show
          when={quiet(bundle)}
          fallback={
            <p class="muted">
              <Spinner /> Loading the bundle…
            </p>
          }
        >
          {(current) => (
            <>
              <div class="row-details__facts">
                <StateBadge state={current().state} />
                <Show when={current().state_details}>{(details) => <span class="muted">{details()}</span>}</Show>
                <Show when={current().data_size !== null}>
                  <span class="muted">{formatSize(current().data_size ?? 0)}</span>
                </Show>
              </div>
              <Show when={current().command}>{(command) => <pre class="row-details__command">{command()}</pre>}</Show>
              <Show when={current().dependencies.length > 0}>
                <p class="row-details__deps">
                  Depends on{" "}
                  {current()
                    .dependencies.map(
                      (dep) =>
                        `${dep.child_path}:${dep.parent_name ?? dep.parent_uuid.slice(0, 10)}${dep.parent_path ? `/${dep.parent_path}` : ""}`,
                    )
                    .join(", ")}
                </p>
              </Show>
              <Show when={current().bundle_type === "run" && current().is_dir !== false}>
                <div class="row-details__tails">
                  <FileTail
                    uuid={current().uuid}
                    path="stdout"
                    label="stdout"
                    running={!isFinalState(current().state)}
                  />
                  <FileTail
                    uuid={current().uuid}
                    path="stderr"
                    label="stderr"
                    running={!isFinalState(current().state)}
                  />
                </div>
              </Show>
              <div class="form__actions">
                <a class="button button--secondary" href={`/bundles/${current().uuid}`}>
                  Open {bundleName(current())}
                </a>
                <Show when={current().data_size !== null}>
                  <a
                    class="button button--ghost"
                    href={blobUrl(current().uuid, "", current().is_dir ? { format: "tar.gz" } : {})}
                    download=""
                  >
                    Download
                  </a>
                </Show>
                <Show when={current().bundle_type === "run"}>
                  <button type="button" class="button button--ghost" onClick={() => page.rerun(current().uuid)}>
                    Rerun…
                  </button>
                </Show>
              </div>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}
