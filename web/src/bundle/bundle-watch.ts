/**
 * Live bundle changes pushed by the server (`GET /rest/bundles/events`, core/src/api/bundle-events.ts):
 * one `bundle` event per watched bundle at first, then one per change, `end` once all are settled.
 * Streams hold at most 100 bundles, so larger sets open several. A stream the server refuses, or
 * a browser without EventSource, reports `unavailable` so the caller can fall back to polling.
 */
import { MAX_WATCHED_BUNDLES } from "@codalab/core/api/bundle-events";
import { type Bundle, parseBundle } from "../api/bundle.ts";
import { isRecord } from "../api/is-record.ts";

export type WatchHandlers = {
  onBundle(bundle: Bundle): void;
  /** Every stream ended: all watched bundles are final, unreadable or gone. */
  onSettled(): void;
  /** Events cannot be had; the caller should poll instead. */
  onUnavailable(): void;
};

/** The part of EventSource used here, so tests can drive a fake. */
export type EventSourceLike = {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
  onerror: ((event: Event) => void) | null;
  onopen: ((event: Event) => void) | null;
};

export type EventSourceFactory = (url: string) => EventSourceLike;

const CLOSED = 2;

export function eventsUrl(uuids: readonly string[]): string {
  const params = new URLSearchParams(uuids.map((uuid) => ["uuid", uuid]));
  return `/rest/bundles/events?${params.toString()}`;
}

/** Starts watching; the returned function stops every stream. */
export function watchBundles(
  uuids: readonly string[],
  handlers: WatchHandlers,
  open: EventSourceFactory | undefined = typeof EventSource === "undefined" ? undefined : (url) => new EventSource(url),
): () => void {
  if (uuids.length === 0) {
    handlers.onSettled();
    return () => undefined;
  }
  if (open === undefined) {
    handlers.onUnavailable();
    return () => undefined;
  }
  const sources: EventSourceLike[] = [];
  let live = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const source of sources) source.close();
  };
  for (let start = 0; start < uuids.length; start += MAX_WATCHED_BUNDLES) {
    const source = open(eventsUrl(uuids.slice(start, start + MAX_WATCHED_BUNDLES)));
    sources.push(source);
    live += 1;
    let opened = false;
    let ended = false;
    source.onopen = () => {
      opened = true;
    };
    source.addEventListener("bundle", (event) => {
      try {
        const data: unknown = JSON.parse(event.data);
        if (isRecord(data)) handlers.onBundle(parseBundle(data.bundle));
      } catch {
        // A malformed event says nothing usable; the next one will.
      }
    });
    source.addEventListener("end", () => {
      ended = true;
      source.close();
      live -= 1;
      if (live === 0 && !stopped) handlers.onSettled();
    });
    // The browser reconnects by itself after a dropped stream (readyState CONNECTING); only a
    // refused or never-opened stream is given up on.
    source.onerror = () => {
      if (ended || stopped) return;
      if (!opened || source.readyState === CLOSED) {
        stop();
        handlers.onUnavailable();
      }
    };
  }
  return stop;
}
