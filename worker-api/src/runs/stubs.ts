/** The Durable Object namespaces, addressed the one way everything uses. */
import { watchShard } from "@codalab/durable-objects";

/** The Scheduler is a singleton under this name. */
export const SCHEDULER_NAME = "scheduler";

export function schedulerStub(env: Env) {
  return env.SCHEDULER.get(env.SCHEDULER.idFromName(SCHEDULER_NAME));
}

/** One session per worker, named by the worker's id. */
export function sessionStub(env: Env, workerId: string) {
  return env.WORKER_SESSION.get(env.WORKER_SESSION.idFromName(workerId));
}

/** The change hub a bundle's watchers share with others' (durable-objects/src/bundle-watch.ts). */
export function watchStub(env: Env, uuid: string) {
  return env.BUNDLE_WATCH.get(env.BUNDLE_WATCH.idFromName(watchShard(uuid)));
}
