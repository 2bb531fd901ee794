/** The Worker: REST API under /rest (static assets are served by the platform before us). */
import { createApp } from "./app.ts";
import { scheduledStaleUploads } from "./bundles/stale-uploads.ts";
import { scheduledMonitoring } from "./monitoring/daily-report.ts";
import { scheduledStuckRuns } from "./runs/stuck-runs.ts";

export { BundleWatch } from "@codalab/durable-objects";
export { Scheduler } from "./durable-objects/scheduler.ts";
export { WorkerSession } from "./durable-objects/worker-session.ts";

const app = createApp();

/** The nightly passes, one after the other; one failing does not keep the next from running. */
const NIGHTLY: ((env: Env, scheduledTime: number) => Promise<void>)[] = [
  scheduledMonitoring,
  scheduledStuckRuns,
  scheduledStaleUploads,
];

async function nightly(env: Env, scheduledTime: number): Promise<void> {
  const failures: unknown[] = [];
  for (const pass of NIGHTLY) {
    try {
      await pass(env, scheduledTime);
    } catch (error) {
      console.error(`nightly pass ${pass.name} failed:`, error);
      failures.push(error);
    }
  }
  // The Cron Trigger's log marks the run failed.
  if (failures.length > 0) throw failures[0];
}

// Annotated rather than inferred: the generated Env types the main module, and an inferred Hono
// type there makes the type checker explode.
const handler: ExportedHandler<Env> = {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // The Cron Trigger of wrangler.toml: the daily D1 backup into R2 and the daily report, then
  // failing runs and uploads stuck more than 60 days.
  scheduled: (controller, env) => nightly(env, controller.scheduledTime),
};
export default handler;
