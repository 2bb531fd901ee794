/** Instance administration (admins only): daily reports, the run queue, default quotas. */
import type { App } from "../../http/app-type.ts";
import { registerDefaultQuotas } from "./default-quotas.ts";
import { registerQueue } from "./queue.ts";
import { registerReports } from "./reports.ts";

export const adminRoutes: ((app: App) => void)[] = [registerReports, registerQueue, registerDefaultQuotas];
