import { formatServerSentEvent } from "@codalab/core/api/server-sent-events";
import { describe, expect, it } from "vitest";
import { ApiClient, type FetchLike, type HttpResponse } from "../api/api-client.ts";
import { parseBundle } from "../api/bundle-wire.ts";
import { createMemoryOutput } from "../output/output.ts";
import { followBundle, RUN_OUTPUT, unlessReady } from "./follow.ts";

const UUID = `0x${"c".repeat(32)}`;
const encoder = new TextEncoder();

function bundle(state: string, extra: Record<string, unknown> = {}) {
  return {
    uuid: UUID,
    bundle_type: "run",
    state,
    command: "echo hi",
    owner_id: "1",
    owner_name: "alice",
    frozen: null,
    is_anonymous: false,
    is_dir: true,
    created: 1_700_000_000,
    data_size: null,
    metadata: { name: "run" },
    dependencies: [],
    permission: "all",
    state_details: null,
    ...extra,
  };
}

/** A body that sends `parts` and then either ends or breaks. */
function body(parts: readonly string[], ending: "end" | "break" = "end"): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      const part = parts[next++];
      if (part !== undefined) controller.enqueue(encoder.encode(part));
      else if (ending === "end") controller.close();
      else controller.error(new TypeError("socket hang up"));
    },
  });
}

function answer(status: number, stream: ReadableStream<Uint8Array> | null, json?: unknown): HttpResponse {
  return {
    status,
    statusText: "",
    ok: status < 300,
    headers: { get: () => null },
    body: stream,
    text: async () => JSON.stringify(json ?? {}),
    arrayBuffer: async () => new ArrayBuffer(0),
  };
}

type Route = (url: URL) => HttpResponse | undefined;

/** A client whose requests are answered, in order, by the first route that takes each. */
function clientFor(routes: Route[]): { client: ApiClient; calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchLike = async (url) => {
    const parsed = new URL(url);
    calls.push(`${parsed.pathname}${parsed.search}`);
    for (const [i, route] of routes.entries()) {
      const response = route(parsed);
      if (response !== undefined) {
        routes.splice(i, 1);
        return response;
      }
    }
    throw new Error(`unexpected request ${url}`);
  };
  const tokens = {
    get: async () => ({ access_token: "a", refresh_token: "r", expires_at: 4_000_000_000, user_name: "alice" }),
    put: async () => undefined,
    drop: async () => true,
  };
  const credentials = async () => ({ username: "alice", password: "x" });
  return { client: new ApiClient({ address: "http://fake.test", fetch, tokens, credentials }), calls };
}

const events = (...states: string[]) =>
  states.map((state) => formatServerSentEvent("bundle", JSON.stringify({ bundle: bundle(state) })));
const on =
  (path: string, make: () => HttpResponse): Route =>
  (url) =>
    url.pathname.endsWith(path) ? make() : undefined;

describe("following a bundle until it is final", () => {
  it("prints stdout and stderr where they belong, resuming a cut answer at the byte reached", async () => {
    const out = createMemoryOutput();
    const { client, calls } = clientFor([
      on("/events", () => answer(200, body(events("running", "ready")))),
      on("/blob/stdout", () => answer(200, body(["line 1\n", "li"], "break"))),
      on("/blob/stdout", () => answer(200, body(["ne 2\n"]))),
      on("/blob/stderr", () => answer(200, body(["warning\n"]))),
      on(`/bundles/${UUID}`, () => answer(200, null, { bundle: bundle("ready") })),
      on(`/bundles/${UUID}`, () => answer(200, null, { bundle: bundle("ready") })),
    ]);
    const final = await followBundle(client, UUID, { out, tail: RUN_OUTPUT, fromStart: true });
    expect(final.state).toBe("ready");
    expect(out.stdout).toBe("line 1\nline 2\n");
    expect(out.stderr).toBe("warning\n");
    expect(calls).toContain(`/rest/bundles/${UUID}/contents/blob/stdout?follow=1&offset=9`);
  });

  it("opens the event stream again when it breaks, and hands over the final bundle", async () => {
    const { client, calls } = clientFor([
      on("/events", () => answer(200, body(events("staged"), "break"))),
      on("/events", () => answer(200, body(events("running", "failed")))),
    ]);
    const seen: string[] = [];
    const final = await followBundle(client, UUID, {
      out: createMemoryOutput(),
      onChange: (changed) => seen.push(changed.state),
    });
    expect(seen).toEqual(["staged", "running", "failed"]);
    expect(calls.filter((call) => call.includes("/events"))).toHaveLength(2);
    expect(unlessReady(final)?.message).toBe(`bundle ${UUID} is failed`);
  });

  it("reports a bundle it may not read with the server's words", async () => {
    const error = {
      uuid: UUID,
      error: { code: "FORBIDDEN", message: `you do not have read permission on bundle ${UUID}` },
    };
    const { client } = clientFor([
      on("/events", () => answer(200, body([formatServerSentEvent("error", JSON.stringify(error))]))),
    ]);
    await expect(followBundle(client, UUID, { out: createMemoryOutput() })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: error.error.message,
    });
  });

  it("calls a bundle that ended ready a success, anything else an error naming the state", () => {
    expect(unlessReady(parseBundle(bundle("ready")))).toBeNull();
    const killed = unlessReady(parseBundle(bundle("killed", { state_details: "Kill requested" })));
    expect(killed?.message).toBe(`bundle ${UUID} is killed: Kill requested`);
    expect(killed?.exitCode).toBe(1);
  });
});
