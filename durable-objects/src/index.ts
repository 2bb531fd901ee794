export { Scheduler } from "./scheduler.ts";
export { WorkerSession } from "./worker-session.ts";
