/**
 * Telling watchers that bundles changed (docs/design/runs.md "Bundle events"): after a change is
 * written to D1, each changed bundle's hub (BundleWatch) is told, and every Worker invocation
 * watching that bundle reads it again. Called from the few places that change bundles: every
 * state transition (apply-transition.ts), the bundles routes' changes (scheduler-news.ts) and the
 * Scheduler's staged_status updates.
 */
import { watchStub } from "../runs/stubs.ts";

/** Never throws: a change is written whether or not anyone hears of it. */
export type BundleNews = (uuids: readonly string[]) => Promise<void>;

export function bundleNews(env: Env): BundleNews {
  return async (uuids) => {
    await Promise.all(
      [...new Set(uuids)].map(async (uuid) => {
        // Once more after a failure: a hub being replaced (a deploy) refuses calls for a moment.
        for (let attempt = 1; attempt <= 2; attempt++) {
          try {
            await watchStub(env, uuid).publish();
            return;
          } catch (error) {
            // Past the retry, watchers see it at the bundle's next change or when they reconnect.
            if (attempt === 2) console.error(`telling the watchers of ${uuid} that it changed failed:`, error);
          }
        }
      }),
    );
  };
}
