import { env } from "cloudflare:test";
import { WATCH_SHARDS, watchShard } from "@codalab/durable-objects";
import { describe, expect, it } from "vitest";

/** A watcher's socket on the hub of `uuid`, with the frames it has received. */
async function watch(uuid: string): Promise<{ frames: string[]; ws: WebSocket }> {
  const hub = env.BUNDLE_WATCH.get(env.BUNDLE_WATCH.idFromName(watchShard(uuid)));
  const response = await hub.fetch(`https://bundle-watch/?bundle=${uuid}`, { headers: { Upgrade: "websocket" } });
  const ws = response.webSocket;
  if (ws === null) throw new Error(`expected a WebSocket, got ${response.status}`);
  ws.accept();
  const frames: string[] = [];
  ws.addEventListener("message", (event) => {
    frames.push(String(event.data));
  });
  return { frames, ws };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("bundle change hubs", () => {
  it("spread bundles over a fixed set of hubs by the tail of their uuid", () => {
    const hubs = new Set(Array.from({ length: 1000 }, (_, i) => watchShard(`0x${i.toString(16).padStart(32, "0")}`)));
    expect(hubs.size).toBe(WATCH_SHARDS);
  });

  it("tell only the watchers of the bundles that changed, though others share the hub", async () => {
    const changed = `0x${"a".repeat(28)}0040`;
    const quiet = `0x${"b".repeat(28)}0080`;
    expect(watchShard(changed)).toBe(watchShard(quiet));
    const [first, second, other] = [await watch(changed), await watch(changed), await watch(quiet)];
    const hub = env.BUNDLE_WATCH.get(env.BUNDLE_WATCH.idFromName(watchShard(changed)));
    expect(await hub.publish([changed, changed])).toBe(2);
    await settle();
    expect(first.frames).toEqual(["changed"]);
    expect(second.frames).toEqual(["changed"]);
    expect(other.frames).toEqual([]);
    for (const { ws } of [first, second, other]) ws.close(1000, "done");
  });

  it("refuse a watcher that names no bundle", async () => {
    const hub = env.BUNDLE_WATCH.get(env.BUNDLE_WATCH.idFromName(watchShard("0x00")));
    const response = await hub.fetch("https://bundle-watch/", { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(400);
  });
});
