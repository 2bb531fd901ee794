/**
 * The contract of `GET /rest/bundles/events` (docs/design/runs.md "Bundle events"): a Server-Sent
 * Events stream that first describes every watched bundle, then each change, and ends once every
 * watched bundle is settled (final, unreadable or gone). Shapes here; the events' JSON is
 * snake_case like every answer. Plain TypeScript (no zod) so the CLI reads it without loading zod.
 */
import type { BundleState } from "../constants.ts";
import { FINAL_STATES } from "../constants.ts";

/** `data: {"bundle": <bundle JSON>}`, exactly the body of `GET /rest/bundles/{uuid}`. */
export const BUNDLE_EVENT = "bundle";
/** `data: {"uuid", "error": {"code", "message"}}`: the bundle cannot be watched (any more). */
export const BUNDLE_ERROR_EVENT = "error";
/** `data: {}`: every watched bundle is settled; the server closes the stream. */
export const BUNDLE_END_EVENT = "end";

export type BundleErrorEventData = { uuid: string; error: { code: string; message: string } };

/** Bundles one stream may watch: each is one connection from the Worker to that bundle's hub. */
export const MAX_WATCHED_BUNDLES = 100;
/** Seconds between heartbeat comments unless the client asks otherwise (`heartbeat=`). */
export const DEFAULT_HEARTBEAT_SECONDS = 15;
export const MAX_HEARTBEAT_SECONDS = 60;
/**
 * A stream ends (without `end`) after this long and the client reconnects: the caller's token and
 * groups are checked again, and a Worker invocation never lives for days.
 */
export const MAX_EVENT_STREAM_MS = 30 * 60 * 1000;

/** A watched bundle in this state will not change again (its stream may stop watching it). */
export function isSettledState(state: BundleState): boolean {
  return FINAL_STATES.includes(state);
}
