import { Navigate, useParams } from "@solidjs/router";
import { createResource, Match, Show, Switch } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { resolveWorksheet } from "../api/worksheets-api.ts";
import { ErrorPanel } from "../components/error-panel.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { WorksheetScreen } from "../components/worksheet/worksheet-screen.tsx";
import { quiet } from "../hooks/quiet-resource.ts";

const UUID = /^0x[0-9a-f]{32}$/;

/** `/worksheets/<uuid>`, or `/worksheets/<name>` (and `/worksheets/home`) redirected to the uuid. */
export function WorksheetPage() {
  const params = useParams<{ spec: string }>();
  const spec = () => decodeURIComponent(params.spec);
  const [resolved] = createResource(
    () => (UUID.test(spec()) ? undefined : spec()),
    (name) => resolveWorksheet(name === "home" ? "/" : name),
  );
  return (
    <Switch>
      <Match when={UUID.test(spec()) && spec()}>
        {(uuid) => (
          // Keyed: another worksheet is a fresh page (cursor, selection, editors).
          <Show when={uuid()} keyed>
            {(current) => <WorksheetScreen uuid={current} />}
          </Show>
        )}
      </Match>
      <Match when={resolved.error}>
        {(error) => <ErrorPanel title="No such worksheet" message={describeError(error())} />}
      </Match>
      <Match when={quiet(resolved)}>{(worksheet) => <Navigate href={`/worksheets/${worksheet().uuid}`} />}</Match>
      <Match when={true}>
        <PageLoading label="Finding the worksheet…" />
      </Match>
    </Switch>
  );
}
