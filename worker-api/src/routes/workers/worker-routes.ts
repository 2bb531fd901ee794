/** Compute worker endpoints: the runner's socket, the `cl workers` listing and worker tokens. */
import type { App } from "../../http/app-type.ts";
import { registerConnectWorker } from "./connect-worker.ts";
import { registerListWorkers } from "./list-workers.ts";
import { registerWorkerTokens } from "./worker-tokens.ts";

export const workerRoutes: ((app: App) => void)[] = [registerConnectWorker, registerListWorkers, registerWorkerTokens];
