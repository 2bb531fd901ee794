/**
 * The Node CLI's transport: `node:http`/`node:https` instead of the global fetch. Loading fetch
 * (undici) costs ~80 ms of a one-shot `cl` process, and so does `import "node:http"` from an ES
 * module (building its namespace reads the lazy WebSocket/EventSource getters, which load undici
 * too); `process.getBuiltinModule` hands over the CommonJS module without that.
 */
import type { IncomingMessage } from "node:http";
import type { FetchLike, HttpResponse } from "../api/api-client.ts";

/** The modules used so far, whose pooled keep-alive sockets `releaseConnections` closes. */
const used = new Set<typeof import("node:http") | typeof import("node:https")>();

export const nodeHttpFetch: FetchLike = (url, init) => {
  const target = new URL(url);
  const http = process.getBuiltinModule(target.protocol === "https:" ? "node:https" : "node:http");
  used.add(http);
  const headers: Record<string, string | number> = { ...init.headers };
  const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body;
  if (body !== undefined) headers["content-length"] = body.byteLength;
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = http.request(target, { method: init.method, headers, signal: init.signal }, (message) =>
      resolve(toResponse(message)),
    );
    request.once("error", reject);
    request.end(body);
  });
};

/**
 * Closes kept-alive sockets so the process can exit at once: a socket whose answer was never read
 * to the end (a 204 the client does not read, say) would otherwise hold it until the server
 * drops the connection.
 */
export function releaseConnections(): void {
  for (const http of used) http.globalAgent.destroy();
}

function toResponse(message: IncomingMessage): HttpResponse {
  const status = message.statusCode ?? 0;
  let consumed = false;
  const consume = () => {
    if (consumed) throw new TypeError("the response body was already read");
    consumed = true;
  };
  const readAll = async (): Promise<Buffer> => {
    consume();
    const chunks: Buffer[] = [];
    for await (const chunk of message) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  let stream: ReadableStream<Uint8Array> | undefined;
  return {
    status,
    statusText: message.statusMessage ?? "",
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = message.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(", ") : value;
      },
    },
    get body() {
      if (stream === undefined) {
        consume();
        stream = bodyStream(message);
      }
      return stream;
    },
    text: async () => (await readAll()).toString("utf8"),
    arrayBuffer: async () => {
      const bytes = await readAll();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** Pulls from the socket only as fast as the reader reads, so a slow stdout slows the download. */
function bodyStream(message: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = message[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value as Buffer);
    },
    async cancel() {
      message.destroy();
    },
  });
}
