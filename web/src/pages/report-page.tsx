import { createResource, createSignal, For, Show } from "solid-js";
import { dayLabel, reportRows } from "../admin/report-view.ts";
import { fetchReport, generateReport, listReports } from "../api/admin-api.ts";
import { ApiError, describeError } from "../api/api-error.ts";
import { BusyButton } from "../components/busy-button.tsx";
import { ErrorPanel } from "../components/error-panel.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { RequireSignIn } from "../components/require-sign-in.tsx";
import { formatDateTime } from "../format/format-date.ts";
import { quiet } from "../hooks/quiet-resource.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/**
 * `/admin/report`, for administrators: the instance's daily report (`cl report`) — bundles,
 * users, workers, the queue, the database and its backup, and what needs attention — for the
 * newest day or one picked from the list; today's can be made on demand (`cl report --now`).
 */
export function ReportPage() {
  usePageTitle("Instance report");
  return (
    <RequireSignIn>
      {(user) => (
        <Show
          when={user().is_admin}
          fallback={
            <ErrorPanel title="For administrators" message="Only administrators can see the instance report." />
          }
        >
          <ReportView />
        </Show>
      )}
    </RequireSignIn>
  );
}

function ReportView() {
  const [day, setDay] = createSignal("latest");
  const [report, { refetch }] = createResource(day, fetchReport);
  const [days, { refetch: refetchDays }] = createResource(() => listReports());
  const [making, setMaking] = createSignal(false);
  const [makeError, setMakeError] = createSignal<string | null>(null);
  const missing = () => report.error instanceof ApiError && report.error.code === "NOT_FOUND";

  async function makeNow(): Promise<void> {
    setMaking(true);
    setMakeError(null);
    try {
      await generateReport();
      // Today's report is now the newest. (Read again rather than `mutate`d in: a resource
      // that failed, with 404 before the first report, stays failed when mutated.)
      if (day() === "latest") void refetch();
      else setDay("latest");
      void refetchDays();
    } catch (error) {
      setMakeError(describeError(error));
    } finally {
      setMaking(false);
    }
  }

  return (
    <div class="report-page">
      <header class="report-page__header">
        <h1 class="page-title">Instance report</h1>
        <div class="report-page__actions">
          <Show when={(quiet(days)?.length ?? 0) > 0}>
            <label class="report-page__day">
              <span>Day</span>
              <select class="input" value={day()} onChange={(event) => setDay(event.currentTarget.value)}>
                <option value="latest">Newest</option>
                <For each={quiet(days) ?? []}>{(item) => <option value={item.day}>{dayLabel(item)}</option>}</For>
              </select>
            </label>
          </Show>
          <BusyButton
            type="button"
            variant="secondary"
            busy={making()}
            busyLabel="Making…"
            onClick={() => void makeNow()}
          >
            Make today's report now
          </BusyButton>
        </div>
      </header>
      <Show when={makeError()}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
      <Show
        when={quiet(report)}
        fallback={
          <Show when={report.error} fallback={<PageLoading label="Loading the report…" />}>
            {(error) => (
              <Show
                when={missing()}
                fallback={
                  <ErrorPanel title="Could not load the report" message={describeError(error())} onRetry={refetch} />
                }
              >
                <section class="card">
                  <p>
                    {day() === "latest"
                      ? "No daily report yet: the nightly run makes the first one. Make today's now to see it."
                      : `No report for ${day()}.`}
                  </p>
                </section>
              </Show>
            )}
          </Show>
        }
      >
        {(current) => (
          <section class="card" aria-labelledby="report-heading">
            <h2 id="report-heading" class="card__title">
              Daily report {current().day}
            </h2>
            <p class="muted">Made {formatDateTime(current().generated_at)}.</p>
            <dl class="details">
              <For each={reportRows(current())}>
                {(row) => (
                  <div class="details__row">
                    <dt>{row.label}</dt>
                    <dd>{row.value}</dd>
                  </div>
                )}
              </For>
            </dl>
            <h3 class="report-page__warnings-title">Warnings</h3>
            <Show when={current().warnings.length > 0} fallback={<p class="muted">None: nothing needs attention.</p>}>
              <ul class="report-page__warnings">
                <For each={current().warnings}>{(warning) => <li class="alert alert--warning">{warning}</li>}</For>
              </ul>
            </Show>
          </section>
        )}
      </Show>
    </div>
  );
}
