/**
 * The Worker's end of the bundle hubs (durable-objects/src/bundle-watch.ts): one WebSocket per
 * watched bundle, opened before the bundle is first read so that no change can fall between the
 * read and the subscription. `next` hands over the bundles that changed since the last call, or
 * none when the wait times out. A hub socket that closes (the hub restarted) is opened again and
 * counts as a change: the caller reads the bundle afresh, so nothing is missed.
 */
import { CHANGED_FRAME } from "@codalab/durable-objects";
import { watchStub } from "../runs/stubs.ts";

/** Between attempts to reach a hub that failed. */
const RECONNECT_DELAY_MS = 1000;

export class BundleWatcher {
  readonly #env: Env;
  readonly #sockets = new Map<string, WebSocket>();
  /** The bundles still watched (a retry of a dropped one must not come back). */
  readonly #wanted = new Set<string>();
  #changed = new Set<string>();
  #wake: (() => void) | undefined;
  #closed = false;

  private constructor(env: Env) {
    this.#env = env;
  }

  /** Resolves once every hub has accepted the subscription. */
  static async open(env: Env, uuids: readonly string[]): Promise<BundleWatcher> {
    const watcher = new BundleWatcher(env);
    for (const uuid of uuids) watcher.#wanted.add(uuid);
    await Promise.all(uuids.map((uuid) => watcher.#connect(uuid)));
    // Hubs that could not be reached count as changed: the first read covers them, retries follow.
    watcher.#changed.clear();
    return watcher;
  }

  async #connect(uuid: string): Promise<void> {
    if (!this.#wanted.has(uuid)) return;
    try {
      const response = await watchStub(this.#env, uuid).fetch(`https://bundle-watch/?bundle=${uuid}`, {
        headers: { Upgrade: "websocket" },
      });
      const ws = response.webSocket;
      if (ws === null) throw new Error(`the hub answered ${response.status} instead of a WebSocket`);
      ws.accept();
      ws.addEventListener("message", (event) => {
        if (event.data === CHANGED_FRAME) this.#signal(uuid);
      });
      ws.addEventListener("close", () => this.#lost(uuid, ws));
      ws.addEventListener("error", () => this.#lost(uuid, ws));
      if (this.#wanted.has(uuid)) this.#sockets.set(uuid, ws);
      else ws.close(1000, "watch ended");
    } catch (error) {
      console.error(`watching bundle ${uuid} failed; trying again:`, error);
      this.#retry(uuid);
    }
  }

  #lost(uuid: string, ws: WebSocket): void {
    if (this.#sockets.get(uuid) !== ws) return;
    this.#sockets.delete(uuid);
    this.#retry(uuid);
  }

  #retry(uuid: string): void {
    this.#signal(uuid);
    setTimeout(() => void this.#connect(uuid), RECONNECT_DELAY_MS);
  }

  #signal(uuid: string): void {
    this.#changed.add(uuid);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** The bundles that changed since the last call; waits up to `timeoutMs` for one (empty: none did). */
  async next(timeoutMs: number): Promise<Set<string>> {
    if (this.#changed.size === 0 && !this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
    }
    const changed = this.#changed;
    this.#changed = new Set();
    return changed;
  }

  /** Stops watching one bundle (it settled). */
  drop(uuid: string): void {
    this.#wanted.delete(uuid);
    const ws = this.#sockets.get(uuid);
    this.#sockets.delete(uuid);
    this.#changed.delete(uuid);
    ws?.close(1000, "watch ended");
  }

  close(): void {
    this.#closed = true;
    for (const uuid of [...this.#wanted]) this.drop(uuid);
    this.#wake?.();
  }
}
