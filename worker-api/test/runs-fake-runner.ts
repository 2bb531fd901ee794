/**
 * A protocol-level fake runner for API tests: a real WebSocket to the Worker's
 * `/rest/workers/connect`, frames checked with core's schemas both ways, and helpers to wait for
 * server messages and for bundle states.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import {
  type BundleIndex,
  type BundleJson,
  encodeChunk,
  encodeMessage,
  type Hello,
  PROTOCOL_VERSION,
  parseServerMessage,
  type RunnerMessageInput,
  type SchedulerConfig,
  type ServerMessage,
  type SessionConfig,
} from "@codalab/core";
import { api } from "./helpers/api.ts";
import { buildTar, type Member, sendPart } from "./helpers/bundles.ts";

export const GiB = 1024 ** 3;

type HelloInput = Partial<Omit<Hello, "type">>;
type Of<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function getBundle(token: string, uuid: string): Promise<BundleJson> {
  const res = await api<{ bundle: BundleJson }>("GET", `/rest/bundles/${uuid}`, { token });
  if (res.status !== 200) throw new Error(`GET ${uuid}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.bundle;
}

/** Waits until the bundle is in `state` (and `also` holds), returning it. */
export function waitForState(
  token: string,
  uuid: string,
  state: string,
  also: (bundle: BundleJson) => boolean = () => true,
  timeoutMs = 5000,
): Promise<BundleJson> {
  return waitFor(
    async () => {
      const bundle = await getBundle(token, uuid);
      return bundle.state === state && also(bundle) ? bundle : undefined;
    },
    `bundle ${uuid} to be ${state}`,
    timeoutMs,
  );
}

export async function createRun(
  token: string,
  command: string,
  options: {
    dependencies?: { child_path: string; parent_uuid: string; parent_path?: string }[];
    metadata?: Record<string, unknown>;
  } = {},
): Promise<BundleJson> {
  const res = await api<{ bundle: BundleJson }>("POST", "/rest/bundles", {
    token,
    body: {
      bundle_type: "run",
      command,
      dependencies: options.dependencies ?? [],
      metadata: { name: "run", request_memory: "1g", ...options.metadata },
    },
  });
  if (res.status !== 201) throw new Error(`create run: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.bundle;
}

export function sessionOf(workerId: string) {
  return env.WORKER_SESSION.get(env.WORKER_SESSION.idFromName(workerId));
}

export function scheduler() {
  return env.SCHEDULER.get(env.SCHEDULER.idFromName("scheduler"));
}

/** Shortens a session's timings (stored overrides, read at every event). */
export async function configureSession(workerId: string, config: Partial<SessionConfig>): Promise<void> {
  await runInDurableObject(sessionOf(workerId), async (_instance, state) => {
    await state.storage.put("config", config);
  });
}

export async function configureScheduler(config: Partial<SchedulerConfig>): Promise<void> {
  await runInDurableObject(scheduler(), async (_instance, state) => {
    await state.storage.put("config", config);
  });
}

export class FakeRunner {
  readonly ws: WebSocket;
  readonly name: string;
  readonly token: string;
  workerId = "";
  private readonly inbox: ServerMessage[] = [];
  private readonly waiters: (() => void)[] = [];
  closed = false;

  private constructor(ws: WebSocket, name: string, token: string) {
    this.ws = ws;
    this.name = name;
    this.token = token;
    ws.addEventListener("message", (event) => {
      const parsed = parseServerMessage(typeof event.data === "string" ? event.data : new Uint8Array(event.data));
      if (!parsed.ok) throw parsed.error;
      this.inbox.push(parsed.message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.addEventListener("close", () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(token: string, name: string, query = ""): Promise<FakeRunner> {
    const response = await exports.default.fetch(
      new Request(`http://localhost/rest/workers/connect?name=${encodeURIComponent(name)}${query}`, {
        headers: { Upgrade: "websocket", Authorization: `Bearer ${token}` },
      }),
    );
    const ws = response.webSocket;
    if (response.status !== 101 || ws === null) {
      throw new Error(`connect: ${response.status} ${await response.text()}`);
    }
    ws.accept();
    return new FakeRunner(ws, name, token);
  }

  /** Opens a socket, says hello and waits for welcome. */
  static async connect(token: string, name: string, hello: HelloInput = {}, query = ""): Promise<FakeRunner> {
    const runner = await FakeRunner.open(token, name, query);
    runner.hello(hello);
    const welcome = await runner.next("welcome");
    runner.workerId = welcome.worker_id;
    return runner;
  }

  send(message: RunnerMessageInput): void {
    this.ws.send(encodeMessage(message));
  }

  hello(overrides: HelloInput = {}): void {
    this.send({
      type: "hello",
      protocol_version: PROTOCOL_VERSION,
      worker_name: this.name,
      hostname: "test-host",
      runtime: "docker",
      capacity: { cpus: 4, gpus: 0, memory_bytes: 8 * GiB, free_disk_bytes: 100 * GiB },
      runs: [],
      cached_dependencies: [],
      ...overrides,
    });
  }

  /** The next server message of this type (earlier ones of other types stay queued). */
  async next<T extends ServerMessage["type"]>(
    type: T,
    match: (message: Of<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((message) => message.type === type && match(message as Of<T>));
      if (index !== -1) return this.inbox.splice(index, 1)[0] as Of<T>;
      if (this.closed) throw new Error(`socket closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${type} message; got ${JSON.stringify(this.inbox.map((message) => message.type))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Messages received and not taken yet. */
  pending(): ServerMessage[] {
    return [...this.inbox];
  }

  /** Acknowledges a command by its seq. */
  ack(message: { seq: number }): void {
    this.send({ type: "ack", seq: message.seq });
  }

  /** Waits for the assignment of `uuid`, acknowledges it and accepts the run. */
  async accept(uuid: string): Promise<Of<"assign">> {
    const assign = await this.next("assign", (message) => message.run.uuid === uuid);
    this.ack(assign);
    this.send({ type: "run_ack", uuid });
    return assign;
  }

  /** Uploads `members` as the run's results through the bundles upload API, as the worker's user. */
  async upload(uuid: string, members: readonly Member[]): Promise<{ tar: Uint8Array; index: BundleIndex }> {
    const { tar, index } = await buildTar(members);
    const start = await api<{ part_size: number; part_count: number }>("POST", `/rest/bundles/${uuid}/upload`, {
      token: this.token,
      body: { kind: "directory", size: tar.byteLength },
    });
    if (start.status !== 200) throw new Error(`start upload: ${start.status} ${JSON.stringify(start.body)}`);
    for (let n = 1; n <= start.body.part_count; n++) {
      const part = tar.subarray((n - 1) * start.body.part_size, Math.min(n * start.body.part_size, tar.byteLength));
      const sent = await sendPart(this.token, uuid, n, part);
      if (sent.status !== 200) throw new Error(`part ${n}: ${JSON.stringify(sent.body)}`);
    }
    const done = await api("POST", `/rest/bundles/${uuid}/upload/complete`, { token: this.token, body: { index } });
    if (done.status !== 200) throw new Error(`complete: ${done.status} ${JSON.stringify(done.body)}`);
    return { tar, index };
  }

  /** Answers a live read with bytes, in chunks. */
  answerBytes(id: string, bytes: Uint8Array, chunkSize = 4): void {
    let index = 0;
    for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
      this.send({ type: "read_chunk", id, index, data: encodeChunk(bytes.subarray(offset, offset + chunkSize)) });
      index++;
    }
    this.send({ type: "read_end", id, chunks: index });
  }

  close(code = 1000): void {
    if (!this.closed) this.ws.close(code, "test done");
    this.closed = true;
  }
}

export async function workerIdOf(token: string, name: string): Promise<string> {
  const res = await api<{ workers: { id: string; name: string }[] }>("GET", "/rest/workers", { token });
  const worker = res.body.workers.find((entry) => entry.name === name);
  if (worker === undefined) throw new Error(`no worker ${name}`);
  return worker.id;
}
