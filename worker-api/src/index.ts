/** The Worker: REST API under /rest (static assets are served by the platform before us). */
import { createApp } from "./app.ts";
import { scheduledMonitoring } from "./monitoring/daily-report.ts";

export { BundleWatch } from "@codalab/durable-objects";
export { Scheduler } from "./durable-objects/scheduler.ts";
export { WorkerSession } from "./durable-objects/worker-session.ts";

const app = createApp();

// Annotated rather than inferred: the generated Env types the main module, and an inferred Hono
// type there makes the type checker explode.
const handler: ExportedHandler<Env> = {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // The Cron Trigger of wrangler.toml: the daily D1 backup into R2 and the daily report.
  scheduled: (controller, env) => scheduledMonitoring(env, controller.scheduledTime),
};
export default handler;
