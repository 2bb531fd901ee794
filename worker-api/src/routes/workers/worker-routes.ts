/** Compute worker endpoints: the runner's socket and the `cl workers` listing. */
import type { App } from "../../http/app-type.ts";
import { registerConnectWorker } from "./connect-worker.ts";
import { registerListWorkers } from "./list-workers.ts";

export const workerRoutes: ((app: App) => void)[] = [registerConnectWorker, registerListWorkers];
