import { createResource, For, onCleanup, Show } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { bundleName } from "../api/bundle.ts";
import { searchBundles } from "../api/bundles-api.ts";
import { listWorkers, otherRunsLabel, type Worker } from "../api/workers-api.ts";
import { RequireSignIn } from "../components/require-sign-in.tsx";
import { Spinner } from "../components/spinner.tsx";
import { StateBadge } from "../components/state-badge.tsx";
import { formatDateTime } from "../format/format-date.ts";
import { formatSize } from "../format/format-size.ts";
import { quiet } from "../hooks/quiet-resource.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/** Refreshed this often while the page is open: workers check in every few seconds. */
const REFRESH_MS = 5000;

/**
 * `/workers`: the workers you can use (yours, your groups', the instance's shared pool) and what
 * they run, and your runs still waiting, with why. On the shared pool only your runs are named.
 */
export function WorkersPage() {
  usePageTitle("Workers and queue");
  return <RequireSignIn>{() => <WorkersView />}</RequireSignIn>;
}

function WorkersView() {
  const [workers, { refetch: refetchWorkers }] = createResource(listWorkers);
  const [waiting, { refetch: refetchWaiting }] = createResource(() =>
    searchBundles([".mine", "state=created,staged", "id=.sort", ".limit=100"]),
  );
  const [active] = createResource(() =>
    searchBundles([".mine", "state=starting,preparing,running,finalizing", ".limit=100"]),
  );
  const timer = setInterval(() => {
    void refetchWorkers();
    void refetchWaiting();
  }, REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  const workerOf = (uuid: string) => (quiet(workers) ?? []).find((worker) => worker.runs.includes(uuid));

  return (
    <div class="workers-page">
      <h1 class="page-title">Workers and queue</h1>
      <section class="card" aria-labelledby="workers-heading">
        <h2 id="workers-heading" class="card__title">
          Workers
        </h2>
        <p class="muted">
          Yours, your groups' and the instance's shared workers. On a shared worker only your own runs are listed.
        </p>
        <Show when={!workers.error} fallback={<p class="alert alert--error">{describeError(workers.error)}</p>}>
          <Show
            when={quiet(workers)}
            fallback={
              <p class="muted">
                <Spinner /> Loading…
              </p>
            }
          >
            {(list) => (
              <Show
                when={list().length > 0}
                fallback={
                  <p class="muted">
                    No worker has connected yet: runs wait until one does. To add your own, run{" "}
                    <code>npm run runner -- --server {window.location.origin}</code>.
                  </p>
                }
              >
                <div class="table-scroll">
                  <table class="bundle-table">
                    <thead>
                      <tr>
                        <th scope="col">worker</th>
                        <th scope="col">owner</th>
                        <th scope="col">status</th>
                        <th scope="col">CPUs</th>
                        <th scope="col">GPUs</th>
                        <th scope="col">memory</th>
                        <th scope="col">free disk</th>
                        <th scope="col">tag</th>
                        <th scope="col">runs</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={list()}>{(worker) => <WorkerRow worker={worker} />}</For>
                    </tbody>
                  </table>
                </div>
              </Show>
            )}
          </Show>
        </Show>
      </section>

      <section class="card" aria-labelledby="queue-heading">
        <h2 id="queue-heading" class="card__title">
          Your runs
        </h2>
        <Show when={!waiting.error} fallback={<p class="alert alert--error">{describeError(waiting.error)}</p>}>
          <table class="bundle-table">
            <thead>
              <tr>
                <th scope="col">run</th>
                <th scope="col">state</th>
                <th scope="col">where, or why it waits</th>
              </tr>
            </thead>
            <tbody>
              <For each={quiet(active)?.bundles ?? []}>
                {(bundle) => (
                  <tr>
                    <td>
                      <a href={`/bundles/${bundle.uuid}`}>{bundleName(bundle)}</a>
                    </td>
                    <td>
                      <StateBadge state={bundle.state} />
                    </td>
                    <td>{workerOf(bundle.uuid)?.name ?? bundle.state_details ?? ""}</td>
                  </tr>
                )}
              </For>
              <For each={quiet(waiting)?.bundles ?? []}>
                {(bundle, index) => (
                  <tr>
                    <td>
                      <a href={`/bundles/${bundle.uuid}`}>{bundleName(bundle)}</a>
                      <span class="muted"> #{index() + 1} in your queue</span>
                    </td>
                    <td>
                      <StateBadge state={bundle.state} />
                    </td>
                    <td>{bundle.state_details ?? "Waiting to be scheduled."}</td>
                  </tr>
                )}
              </For>
              <Show when={(quiet(active)?.bundles.length ?? 0) + (quiet(waiting)?.bundles.length ?? 0) === 0}>
                <tr>
                  <td colSpan={3} class="muted">
                    None of your runs is waiting or running.
                  </td>
                </tr>
              </Show>
            </tbody>
          </table>
        </Show>
      </section>
    </div>
  );
}

function WorkerRow(props: { worker: Worker }) {
  const w = () => props.worker;
  return (
    <tr>
      <td>
        <strong>{w().name}</strong>
        <Show when={w().hostname}>{(host) => <span class="muted"> {host()}</span>}</Show>
      </td>
      <td>{w().owner_name ?? ""}</td>
      <td>
        <span class={`state state--${w().connected ? (w().is_terminating ? "waiting" : "done") : "stopped"}`}>
          {w().connected ? (w().is_terminating ? "stopping" : "online") : "offline"}
        </span>
        <Show when={w().last_checkin}>{(at) => <span class="muted cell-note"> seen {formatDateTime(at())}</span>}</Show>
      </td>
      <td>
        {w().cpus_used}/{w().cpus}
      </td>
      <td>
        {w().gpus_used}/{w().gpus}
      </td>
      <td>
        {formatSize(w().memory_used)}/{formatSize(w().memory_bytes)}
      </td>
      <td>{formatSize(w().free_disk_bytes)}</td>
      <td>
        {w().tag ?? ""}
        {w().shared_pool ? " (shared)" : ""}
      </td>
      <td>
        <Show when={w().run_count > 0} fallback={<span class="muted">idle</span>}>
          <For each={w().runs}>
            {(uuid) => (
              <a class="cell-list" href={`/bundles/${uuid}`}>
                {uuid.slice(0, 10)}
              </a>
            )}
          </For>
          <Show when={otherRunsLabel(w())}>{(label) => <span class="muted cell-list">{label()}</span>}</Show>
        </Show>
      </td>
    </tr>
  );
}
