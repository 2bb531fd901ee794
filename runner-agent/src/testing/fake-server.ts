/**
 * Test support: an in-process stand-in for the CodaLab server, speaking the real wire formats:
 * `POST /rest/auth/login|refresh`, the worker socket at `GET /rest/workers/connect` (bearer
 * token), bundle contents (`contents/info`, `contents/blob`, directories as our tar) and the
 * multipart upload of results. Tests drive the protocol by hand through `ServerWebSocket`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { PROTOCOL_VERSION } from "@codalab/core/runs/protocol";
import { ServerWebSocket } from "./websocket-server.ts";

export type FakeBundle =
  | { type: "file"; data: Uint8Array }
  | { type: "directory"; files: Record<string, string | { link: string } | { dir: true }> };

export type FakeUpload = {
  size: number;
  partSize: number;
  parts: Map<number, Uint8Array>;
  index: unknown;
  completed: boolean;
};

export class FakeServer {
  readonly sockets: ServerWebSocket[] = [];
  readonly bundles = new Map<string, FakeBundle>();
  readonly uploads = new Map<string, FakeUpload>();
  readonly requests: string[] = [];
  readonly users = new Map<string, string>([["worker-user", "secret"]]);
  readonly tokens = new Set<string>(["worker-token"]);
  partSize = 64 * 1024;
  accessTokenSeconds = 3600;
  /** Fail the next N part uploads with a 503 (transient). */
  failParts = 0;
  /** Answer the socket upgrade with this status instead (e.g. 401). */
  refuseSockets: number | null = null;
  logins = 0;
  refreshes = 0;
  private server: Server;
  private counter = 0;
  private socketWaiters: ((socket: ServerWebSocket) => void)[] = [];

  private constructor() {
    this.server = createServer((request, response) => {
      void this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { code: "INTERNAL", message: String(error) } }));
      });
    });
    this.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  static async start(): Promise<FakeServer> {
    const fake = new FakeServer();
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next socket to connect (or the latest, if it connected after the previous call). */
  nextSocket(timeoutMs = 5000): Promise<ServerWebSocket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no socket connected in time")), timeoutMs);
      this.socketWaiters.push((socket) => {
        clearTimeout(timer);
        resolve(socket);
      });
    });
  }

  /** Waits for hello on the socket and answers welcome; returns the hello. */
  async welcome(socket: ServerWebSocket, workerId = "w-1", heartbeatMs = 15_000): Promise<Record<string, unknown>> {
    const hello = await socket.next("hello");
    socket.send({
      type: "welcome",
      protocol_version: PROTOCOL_VERSION,
      worker_id: workerId,
      server_time: Date.now(),
      heartbeat_interval_ms: heartbeatMs,
    });
    return hello;
  }

  uploadedTar(uuid: string): Uint8Array {
    const upload = this.uploads.get(uuid);
    if (!upload) throw new Error(`no upload for ${uuid}`);
    const numbers = [...upload.parts.keys()].sort((a, b) => a - b);
    return Buffer.concat(numbers.map((n) => upload.parts.get(n) ?? new Uint8Array(0)));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://x");
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ""))?.[1];
    const status = this.refuseSockets ?? (token && this.tokens.has(token) ? null : 401);
    if (url.pathname !== "/rest/workers/connect" || status !== null) {
      socket.write(`HTTP/1.1 ${status ?? 404} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    const ws = new ServerWebSocket(request, socket, head);
    this.sockets.push(ws);
    const waiter = this.socketWaiters.shift();
    waiter?.(ws);
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }

  private error(response: ServerResponse, status: number, code: string, message: string): void {
    this.json(response, status, { error: { code, message } });
  }

  private issueTokens(): Record<string, unknown> {
    this.counter++;
    const access = `access-${this.counter}`;
    this.tokens.add(access);
    return {
      access_token: access,
      refresh_token: `refresh-${this.counter}`,
      token_type: "Bearer",
      expires_in: this.accessTokenSeconds,
      user: { id: "0x1", user_name: "worker-user" },
    };
  }

  private async body(request: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://x");
    const method = request.method ?? "GET";
    this.requests.push(`${method} ${url.pathname}`);
    if (method === "POST" && url.pathname === "/rest/auth/login") {
      const body = JSON.parse((await this.body(request)).toString("utf8")) as { username: string; password: string };
      this.logins++;
      if (this.users.get(body.username) !== body.password) {
        this.error(response, 401, "INVALID_CREDENTIALS", "wrong user name or password");
        return;
      }
      this.json(response, 200, this.issueTokens());
      return;
    }
    if (method === "POST" && url.pathname === "/rest/auth/refresh") {
      await this.body(request);
      this.refreshes++;
      this.json(response, 200, this.issueTokens());
      return;
    }
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ""))?.[1];
    if (!token || !this.tokens.has(token)) {
      this.error(response, 401, "TOKEN_EXPIRED", "log in again");
      return;
    }
    if (url.pathname === "/rest/workers/connect") {
      // A plain GET of the socket URL (the runner's diagnosis): upgrade required.
      this.error(response, 426, "BAD_REQUEST", "upgrade required");
      return;
    }
    const contents = /^\/rest\/bundles\/(0x[0-9a-f]{32})\/contents\/(info|blob)\/(.*)$/.exec(url.pathname);
    if (contents && method === "GET") {
      await this.contents(response, contents[1] ?? "", contents[2] ?? "", decodeURIComponent(contents[3] ?? ""));
      return;
    }
    const upload = /^\/rest\/bundles\/(0x[0-9a-f]{32})\/upload(?:\/(parts)\/(\d+)|\/(complete))?$/.exec(url.pathname);
    if (upload) {
      await this.upload(
        request,
        response,
        upload[1] ?? "",
        upload[2] ? Number(upload[3]) : upload[4] ? "complete" : null,
      );
      return;
    }
    this.error(response, 404, "ROUTE_NOT_FOUND", `no route ${method} ${url.pathname}`);
  }

  private async contents(response: ServerResponse, uuid: string, kind: string, path: string): Promise<void> {
    const bundle = this.bundles.get(uuid);
    if (!bundle) {
      this.error(response, 404, "NOT_FOUND", `bundle ${uuid} not found`);
      return;
    }
    let target: FakeBundle = bundle;
    if (bundle.type === "directory" && path !== "") {
      const entry = bundle.files[path];
      const prefix = `${path}/`;
      if (typeof entry === "string") target = { type: "file", data: new TextEncoder().encode(entry) };
      else if (entry !== undefined && "link" in entry) {
        if (kind === "info") {
          this.json(response, 200, {
            info: { name: path, type: "link", size: entry.link.length, perm: 0o777, link: entry.link },
          });
          return;
        }
      } else {
        const files: FakeBundle & { type: "directory" } = { type: "directory", files: {} };
        for (const [name, value] of Object.entries(bundle.files)) {
          if (name.startsWith(prefix)) files.files[name.slice(prefix.length)] = value;
        }
        if (Object.keys(files.files).length === 0 && entry === undefined) {
          this.error(response, 404, "NOT_FOUND", `${path} not found`);
          return;
        }
        target = files;
      }
    } else if (bundle.type === "file" && path !== "") {
      this.error(response, 404, "NOT_FOUND", `${path} not found`);
      return;
    }
    if (kind === "info") {
      const size = target.type === "file" ? target.data.length : 0;
      this.json(response, 200, { info: { name: path || uuid, type: target.type, size, perm: 0o755 } });
      return;
    }
    if (target.type === "file") {
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": target.data.length });
      response.end(target.data);
      return;
    }
    const writer = new TarWriter();
    const members = Object.entries(target.files).sort(([a], [b]) => (a < b ? -1 : 1));
    const done = (async () => {
      for (const [name, value] of members) {
        if (typeof value === "string") {
          const data = new TextEncoder().encode(value);
          await writer.addFile(name, data, { size: data.length, mtime: 1_700_000_000 });
        } else if ("link" in value) await writer.addSymlink(name, value.link, { mtime: 1_700_000_000 });
        else await writer.addDirectory(name, { mtime: 1_700_000_000 });
      }
      await writer.finish();
    })();
    response.writeHead(200, { "content-type": "application/x-tar" });
    for await (const chunk of writer.readable) response.write(chunk);
    await done;
    response.end();
  }

  private async upload(
    request: IncomingMessage,
    response: ServerResponse,
    uuid: string,
    part: number | "complete" | null,
  ): Promise<void> {
    const body = await this.body(request);
    if (part === null && request.method === "POST") {
      const { size } = JSON.parse(body.toString("utf8")) as { size: number };
      let upload = this.uploads.get(uuid);
      if (!upload || upload.size !== size) {
        upload = { size, partSize: this.partSize, parts: new Map(), index: null, completed: false };
        this.uploads.set(uuid, upload);
      }
      this.json(response, 200, {
        part_size: upload.partSize,
        part_count: Math.ceil(size / upload.partSize),
        received: [...upload.parts.keys()],
      });
      return;
    }
    const upload = this.uploads.get(uuid);
    if (!upload) {
      this.error(response, 404, "NOT_FOUND", "no upload in progress");
      return;
    }
    if (typeof part === "number") {
      if (request.headers["content-length"] === undefined) {
        this.error(response, 411, "BAD_REQUEST", "Content-Length required");
        return;
      }
      if (this.failParts > 0) {
        this.failParts--;
        this.error(response, 503, "UNAVAILABLE", "try again");
        return;
      }
      upload.parts.set(part, new Uint8Array(body));
      this.json(response, 200, { part_number: part, size: body.length });
      return;
    }
    const received = [...upload.parts.values()].reduce((sum, p) => sum + p.length, 0);
    if (received !== upload.size) {
      this.error(response, 400, "BAD_REQUEST", `received ${received} of ${upload.size} bytes`);
      return;
    }
    upload.index = (JSON.parse(body.toString("utf8")) as { index: unknown }).index;
    upload.completed = true;
    this.json(response, 200, { bundle: { uuid, state: "running" } });
  }
}
