/**
 * BundleWatch: one hub per bundle (`idFromName(<uuid>)`) through which the Worker invocations that
 * stream a bundle's changes (event streams, followed files) hear that it changed. Workers share no
 * memory, so the code that changes a bundle calls `publish` after its D1 write, and every
 * invocation watching the bundle holds a WebSocket to this hub and gets one small frame per change;
 * it then reads the bundle from D1 itself, with its own caller's permissions. The hub knows
 * nothing about bundles, so it needs no ports.
 *
 * Hibernation: sockets are accepted with `ctx.acceptWebSocket` and the hub keeps no other state,
 * so an idle hub is evicted and its sockets stay open; `publish` wakes it. A restart closes the
 * sockets: the watchers then connect again and read the bundle afresh, so no change goes unseen.
 */
import { DurableObject } from "cloudflare:workers";

/** The one frame a hub sends. */
export const CHANGED_FRAME = "changed";

export class BundleWatch extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** The bundle changed (the change is already in D1): tells every watcher. Returns how many there are. */
  async publish(): Promise<number> {
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) {
      try {
        ws.send(CHANGED_FRAME);
      } catch {
        // Closing already: its watcher connects again and reads the bundle anyway.
      }
    }
    return sockets.length;
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
