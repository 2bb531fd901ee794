import type { RouteSectionProps } from "@solidjs/router";
import { ErrorBoundary, Suspense } from "solid-js";
import { ErrorPanel } from "./error-panel.tsx";
import { NavBar } from "./nav-bar.tsx";
import { NoticeArea } from "./notice-area.tsx";
import { PageLoading } from "./page-loading.tsx";

/** The frame around every page. A bug in one page shows a panel instead of blanking the app. */
export function AppShell(props: RouteSectionProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <NavBar />
      <NoticeArea />
      <main id="main" class="main container" tabindex="-1">
        <ErrorBoundary
          fallback={(error, reset) => (
            <ErrorPanel
              title="This page stopped working"
              message={error instanceof Error ? error.message : "An unexpected error happened."}
              onRetry={reset}
            />
          )}
        >
          <Suspense fallback={<PageLoading />}>{props.children}</Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}
