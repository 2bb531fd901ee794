import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "./http-transport.ts";

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  // Keep-alive sockets and the unanswered request would keep close() waiting.
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

type Echo = { method: string; url: string; headers: Record<string, unknown>; body: string };

/** A local server whose handler sees the request method, url, headers and body. */
async function serve(
  handle: (request: Echo, reply: (status: number, headers: Record<string, string>, body?: string) => void) => void,
): Promise<string> {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () =>
      handle(
        {
          method: request.method ?? "",
          url: request.url ?? "",
          headers: request.headers,
          body: Buffer.concat(chunks).toString(),
        },
        (status, headers, body) => {
          response.writeHead(status, headers);
          response.end(body);
        },
      ),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const signal = () => new AbortController().signal;

describe("nodeHttpFetch", () => {
  it("sends the method, headers and body, and reads status, headers and text", async () => {
    const address = await serve((request, reply) =>
      reply(201, { "content-type": "application/json", "x-codalab-target-type": "file" }, JSON.stringify(request)),
    );
    const response = await nodeHttpFetch(`${address}/rest/x?a=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer t" },
      body: '{"é":1}',
      signal: signal(),
    });
    expect(response).toMatchObject({ status: 201, ok: true, statusText: "Created" });
    expect(response.headers.get("X-Codalab-Target-Type")).toBe("file");
    expect(response.headers.get("x-missing")).toBeNull();
    const echoed = JSON.parse(await response.text());
    expect(echoed).toMatchObject({ method: "POST", url: "/rest/x?a=1", body: '{"é":1}' });
    expect(echoed.headers).toMatchObject({ authorization: "Bearer t", "content-length": "8" });
  });

  it("streams the body and reports failures as not ok", async () => {
    const address = await serve((_request, reply) => reply(404, {}, "abc"));
    const response = await nodeHttpFetch(address, { method: "GET", headers: {}, signal: signal() });
    expect(response.ok).toBe(false);
    const reader = response.body?.getReader();
    let text = "";
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      text += Buffer.from(next.value).toString();
    }
    expect(text).toBe("abc");
    await expect(response.text()).rejects.toThrow("already read");
  });

  it("sends raw bytes and reads them back as an ArrayBuffer", async () => {
    const address = await serve((request, reply) => reply(200, {}, request.body));
    const response = await nodeHttpFetch(address, {
      method: "PUT",
      headers: {},
      body: new TextEncoder().encode("bytes"),
      signal: signal(),
    });
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe("bytes");
  });

  it("rejects with an AbortError when the signal fires before the answer", async () => {
    const address = await serve(() => {});
    const controller = new AbortController();
    const pending = nodeHttpFetch(address, { method: "GET", headers: {}, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects when nothing listens", async () => {
    await expect(
      nodeHttpFetch("http://127.0.0.1:1/", { method: "GET", headers: {}, signal: signal() }),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
