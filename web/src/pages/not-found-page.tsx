import { A, useLocation } from "@solidjs/router";
import { usePageTitle } from "../hooks/use-page-title.ts";

export function NotFoundPage() {
  usePageTitle("Page not found");
  const location = useLocation();
  return (
    <section class="card error-panel">
      <h1 class="error-panel__title">Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>.
      </p>
      <A href="/" class="button button--secondary">
        Go to the home page
      </A>
    </section>
  );
}
