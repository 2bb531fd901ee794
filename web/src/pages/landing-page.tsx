import { A } from "@solidjs/router";
import { Match, Switch } from "solid-js";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { session } from "../session/session-store.ts";

const CONCEPTS = [
  {
    title: "Bundles",
    text: "Every dataset, program and result is an immutable bundle with a permanent id, so any result can be traced back to the exact inputs that made it.",
  },
  {
    title: "Runs",
    text: "A run executes a shell command in a Docker image, with other bundles mounted as its dependencies. Its output becomes a new bundle.",
  },
  {
    title: "Worksheets",
    text: "Worksheets arrange bundles, tables and notes in markdown into a living record of your experiments, to share or publish.",
  },
] as const;

export function LandingPage() {
  usePageTitle("");
  return (
    <div class="landing">
      <section class="landing__hero">
        <p class="landing__eyebrow">CodaLab Worksheets at {window.location.host}</p>
        <h1 class="landing__title">Run reproducible experiments, and keep the record.</h1>
        <p class="landing__lead">
          CodaLab is a platform for computational research. Upload code and data, run experiments in containers, and
          keep a complete, immutable history of how every result was produced.
        </p>
        <div class="landing__actions">
          <Switch>
            <Match when={session.user()}>
              {(user) => (
                <A href="/account/profile" class="button button--primary button--large">
                  Continue as {user().user_name}
                </A>
              )}
            </Match>
            <Match when={session.state().status !== "loading"}>
              <A href="/account/signup" class="button button--primary button--large">
                Create an account
              </A>
              <A href="/account/login" class="button button--secondary button--large">
                Sign in
              </A>
            </Match>
          </Switch>
        </div>
      </section>
      <section class="landing__concepts" aria-label="How CodaLab works">
        {CONCEPTS.map((concept) => (
          <article class="card concept">
            <h2 class="concept__title">{concept.title}</h2>
            <p>{concept.text}</p>
          </article>
        ))}
      </section>
    </div>
  );
}
