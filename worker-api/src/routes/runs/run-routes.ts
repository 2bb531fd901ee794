/** Acting on run bundles: kill and write (creation goes through POST /rest/bundles). */
import type { App } from "../../http/app-type.ts";
import { registerKillBundle } from "./kill-bundle.ts";
import { registerWriteBundle } from "./write-bundle.ts";

export const runRoutes: ((app: App) => void)[] = [registerKillBundle, registerWriteBundle];
