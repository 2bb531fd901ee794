/**
 * BundleWatch: the hubs through which the Worker invocations that stream a bundle's changes (event
 * streams, followed files) hear that it changed. Workers share no memory, so the code that changes
 * bundles calls `publish` after its D1 write, and every invocation watching one of them holds a
 * WebSocket to that bundle's hub and gets one small frame per change; it then reads the bundle from
 * D1 itself, with its own caller's permissions. The hub knows nothing about bundles, so it needs
 * no ports.
 *
 * Bundles share a fixed number of hubs (`watchShard`), each socket tagged with its bundle's uuid:
 * a Scheduler pass that changes ten thousand bundles tells at most WATCH_SHARDS hubs, in one call
 * each, instead of waking one object per bundle, most of which nobody watches.
 *
 * Hibernation: sockets are accepted with `ctx.acceptWebSocket` and the hub keeps no other state,
 * so an idle hub is evicted and its sockets stay open; `publish` wakes it. A restart closes the
 * sockets: the watchers then connect again and read the bundle afresh, so no change goes unseen.
 */
import { DurableObject } from "cloudflare:workers";

/** The one frame a hub sends. */
export const CHANGED_FRAME = "changed";

/** How many hubs the bundles are spread over; changing it only moves watchers at their next connect. */
export const WATCH_SHARDS = 64;

/** The hub of a bundle: its name for `idFromName`. Uuids are random hex, so their tail spreads evenly. */
export function watchShard(uuid: string): string {
  const tail = Number.parseInt(uuid.slice(-4), 16);
  return `bundles-${(Number.isNaN(tail) ? 0 : tail) % WATCH_SHARDS}`;
}

export class BundleWatch extends DurableObject<Env> {
  /** A watcher's WebSocket upgrade, `?bundle=<uuid>`. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const bundle = new URL(request.url).searchParams.get("bundle");
    if (!bundle) return new Response("expected ?bundle=<uuid>", { status: 400 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [bundle]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** These bundles changed (the change is already in D1): tells their watchers. Returns how many there are. */
  async publish(uuids: readonly string[]): Promise<number> {
    let told = 0;
    for (const uuid of new Set(uuids)) {
      for (const ws of this.ctx.getWebSockets(uuid)) {
        told++;
        try {
          ws.send(CHANGED_FRAME);
        } catch {
          // Closing already: its watcher connects again and reads the bundle anyway.
        }
      }
    }
    return told;
  }

  /** Watchers send nothing; whatever arrives is ignored rather than trusted. */
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      // 1005/1006 are never sent on the wire: answer a missing code with a normal close.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}
