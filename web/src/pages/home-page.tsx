import { useSearchParams } from "@solidjs/router";
import { createResource, createSignal, Match, Show, Switch } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { searchWorksheets } from "../api/worksheets-api.ts";
import { NewWorksheetDialog } from "../components/new-worksheet-dialog.tsx";
import { Spinner } from "../components/spinner.tsx";
import { WorksheetList } from "../components/worksheet-list.tsx";
import { quiet } from "../hooks/quiet-resource.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { session } from "../session/session-store.ts";
import { LandingPage } from "./landing-page.tsx";

/** Worksheet search keywords (spec §5.6) from what was typed in the search box. */
function keywordsOf(query: string): string[] {
  return query.split(/\s+/).filter((word) => word !== "");
}

function WorksheetSection(props: { title: string; keywords: string[]; empty: string; id: string }) {
  const [result] = createResource(
    () => props.keywords.join(" "),
    () => searchWorksheets(props.keywords),
  );
  return (
    <section class="home__section" aria-labelledby={props.id}>
      <h2 id={props.id} class="home__heading">
        {props.title}
        <Show when={quiet(result)}>{(found) => <span class="muted home__count"> {found().total}</span>}</Show>
      </h2>
      <Switch>
        <Match when={result.error}>{(error) => <p class="alert alert--error">{describeError(error())}</p>}</Match>
        <Match when={quiet(result)}>
          {(found) => <WorksheetList worksheets={found().worksheets} empty={props.empty} />}
        </Match>
        <Match when={true}>
          <p class="muted">
            <Spinner /> Loading…
          </p>
        </Match>
      </Switch>
    </section>
  );
}

/** `/`: search results, or your worksheets and the public ones; the landing text when signed out. */
export function HomePage() {
  usePageTitle("");
  const [params] = useSearchParams<{ q?: string }>();
  const [creating, setCreating] = createSignal(false);
  const query = () => (typeof params.q === "string" ? params.q.trim() : "");
  return (
    <div class="home">
      <Switch>
        <Match when={query() !== ""}>
          <WorksheetSection
            id="home-search"
            title={`Worksheets matching “${query()}”`}
            keywords={[...keywordsOf(query()), ".limit=50"]}
            empty="No worksheet matches. Search words match names and titles; try tag=… or owner=…."
          />
        </Match>
        <Match when={session.user()}>
          {(user) => (
            <>
              <header class="home__header">
                <h1 class="home__title">Welcome back, {user().user_name}</h1>
                <div class="form__actions">
                  <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
                    New worksheet
                  </button>
                  <a class="button button--secondary" href="/worksheets/home">
                    Home worksheet
                  </a>
                </div>
              </header>
              <WorksheetSection
                id="home-mine"
                title="Your worksheets"
                keywords={[".mine", ".limit=20"]}
                empty="You have no worksheets yet. Create one to start."
              />
              <WorksheetSection
                id="home-shared"
                title="Shared with you and public"
                keywords={[".notmine", ".limit=20"]}
                empty="Nothing shared yet."
              />
            </>
          )}
        </Match>
        <Match when={session.state().status !== "loading"}>
          <LandingPage />
          <WorksheetSection
            id="home-public"
            title="Public worksheets"
            keywords={[".limit=20"]}
            empty="No public worksheets on this instance yet."
          />
        </Match>
      </Switch>
      <Show when={creating()}>
        <NewWorksheetDialog onClose={() => setCreating(false)} />
      </Show>
    </div>
  );
}
