/**
 * Telling watchers that bundles changed (docs/design/runs.md "Bundle events"): after a change is
 * written to D1, the hubs (BundleWatch) of the changed bundles are told, one call per hub, and
 * every Worker invocation watching one of those bundles reads it again. Called from the few places
 * that change bundles: every state transition (apply-transition.ts, bulk-transitions.ts), the
 * bundles routes' changes (scheduler-news.ts) and the Scheduler's staged_status updates.
 */
import { watchShard } from "@codalab/durable-objects";
import { watchStub } from "../runs/stubs.ts";

/** Never throws: a change is written whether or not anyone hears of it. */
export type BundleNews = (uuids: readonly string[]) => Promise<void>;

export function bundleNews(env: Env): BundleNews {
  return async (uuids) => {
    const byHub = new Map<string, string[]>();
    for (const uuid of new Set(uuids)) {
      const hub = watchShard(uuid);
      const list = byHub.get(hub);
      if (list === undefined) byHub.set(hub, [uuid]);
      else list.push(uuid);
    }
    await Promise.all(
      [...byHub.values()].map(async (list) => {
        // Once more after a failure: a hub being replaced (a deploy) refuses calls for a moment.
        for (let attempt = 1; attempt <= 2; attempt++) {
          try {
            await watchStub(env, list[0] as string).publish(list);
            return;
          } catch (error) {
            // Past the retry, watchers see it at the bundle's next change or when they reconnect.
            if (attempt === 2)
              console.error(`telling the watchers of ${list.length} bundles that they changed failed:`, error);
          }
        }
      }),
    );
  };
}
