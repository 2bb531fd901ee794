/** Provenance queries for `cl mimic` and `cl run --memoize` (core/src/api/bundle-graph.ts). */
import type { App } from "../../http/app-type.ts";
import { registerBundleGraph } from "./bundle-graph.ts";
import { registerMemoizedRun } from "./memoized-run.ts";

export const provenanceRoutes: ((app: App) => void)[] = [registerBundleGraph, registerMemoizedRun];
