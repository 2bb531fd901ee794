import { describe, expect, it } from "vitest";
import { UUID_A, UUID_B } from "../testing/blocks.ts";
import { type EventSourceLike, eventsUrl, watchBundles } from "./bundle-watch.ts";

class FakeSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  onerror: ((event: Event) => void) | null = null;
  onopen: ((event: Event) => void) | null = null;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? [])
      listener({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
}

function harness() {
  const sources: FakeSource[] = [];
  const seen: string[] = [];
  const calls: string[] = [];
  const handlers = {
    onBundle: (bundle: { uuid: string; state: string }) => seen.push(`${bundle.uuid.slice(2, 3)}:${bundle.state}`),
    onSettled: () => calls.push("settled"),
    onUnavailable: () => calls.push("unavailable"),
  };
  const open = (url: string) => {
    const source = new FakeSource(url);
    sources.push(source);
    return source;
  };
  return { sources, seen, calls, handlers, open };
}

const bundle = (uuid: string, state: string) => ({
  bundle: { uuid, state, bundle_type: "run", metadata: {}, dependencies: [] },
});

describe("watchBundles", () => {
  it("passes on each bundle event and reports when the stream ends", () => {
    const { sources, seen, calls, handlers, open } = harness();
    watchBundles([UUID_A, UUID_B], handlers, open);
    expect(sources.map((source) => source.url)).toEqual([eventsUrl([UUID_A, UUID_B])]);
    const source = sources[0] as FakeSource;
    source.onopen?.(new Event("open"));
    source.emit("bundle", bundle(UUID_A, "running"));
    source.emit("bundle", { nonsense: true });
    source.emit("bundle", bundle(UUID_A, "ready"));
    source.emit("end", {});
    expect(seen).toEqual(["a:running", "a:ready"]);
    expect(calls).toEqual(["settled"]);
    expect(source.closed).toBe(true);
  });

  it("opens one stream per hundred bundles and settles when all have ended", () => {
    const { sources, calls, handlers, open } = harness();
    const many = Array.from({ length: 150 }, (_, i) => `0x${i.toString(16).padStart(32, "0")}`);
    watchBundles(many, handlers, open);
    expect(sources).toHaveLength(2);
    sources[0]?.emit("end", {});
    expect(calls).toEqual([]);
    sources[1]?.emit("end", {});
    expect(calls).toEqual(["settled"]);
  });

  it("gives up and asks for polling when the server refuses the stream", () => {
    const { sources, calls, handlers, open } = harness();
    watchBundles([UUID_A], handlers, open);
    sources[0]?.onerror?.(new Event("error"));
    expect(calls).toEqual(["unavailable"]);
    expect(sources[0]?.closed).toBe(true);
  });

  it("lets the browser reconnect a stream that dropped after opening", () => {
    const { sources, calls, handlers, open } = harness();
    watchBundles([UUID_A], handlers, open);
    const source = sources[0] as FakeSource;
    source.onopen?.(new Event("open"));
    source.readyState = 0;
    source.onerror?.(new Event("error"));
    expect(calls).toEqual([]);
    expect(source.closed).toBe(false);
  });

  it("settles at once with nothing to watch, and is unavailable without EventSource", () => {
    const { calls, handlers } = harness();
    watchBundles([], handlers, undefined);
    watchBundles([UUID_A], handlers, undefined);
    expect(calls).toEqual(["settled", "unavailable"]);
  });
});
