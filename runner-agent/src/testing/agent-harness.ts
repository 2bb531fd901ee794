/** Test support: an Agent with a scripted runtime, connected to a FakeServer over a real WebSocket. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROTOCOL_VERSION } from "@codalab/core/runs/protocol";
import { Agent, type AgentTiming } from "../agent.ts";
import { parseAgentArgs } from "../config/agent-config.ts";
import { webSocketTransport } from "../connection/transport.ts";
import { DependencyCache } from "../dependencies/dependency-cache.ts";
import { httpDownloader } from "../dependencies/http-downloader.ts";
import { MemoryLogger } from "../logger.ts";
import { StateStore } from "../runs/state-store.ts";
import type { ContainerRuntime } from "../runtime/container-runtime.ts";
import { FakeRuntime } from "./fake-runtime.ts";
import type { FakeServer } from "./fake-server.ts";
import { userApi, workerApi } from "./test-api.ts";
import type { ServerWebSocket } from "./websocket-server.ts";

export const FAST_TIMING: Partial<AgentTiming> = {
  monitorIntervalMs: 20,
  updateIntervalMs: 100,
  diskIntervalMs: 20,
  capacityIntervalMs: 60_000,
  helloTimeoutMs: 3000,
  backoff: { baseMs: 40, maxMs: 200 },
};

export type Harness = {
  agent: Agent;
  runtime: ContainerRuntime;
  log: MemoryLogger;
  workDir: string;
  socket: ServerWebSocket;
  hello: Record<string, unknown>;
  seq: () => number;
};

let seqCounter = 0;

export async function startAgent(
  server: FakeServer,
  options: {
    args?: string[];
    runtime?: ContainerRuntime;
    workDir?: string;
    welcome?: boolean;
    timing?: Partial<AgentTiming>;
    /** Log in as a user instead of using the worker token. */
    asUser?: boolean;
  } = {},
): Promise<Harness> {
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), "cl-runner-agent-")));
  const log = new MemoryLogger();
  const runtime = options.runtime ?? new FakeRuntime();
  const api = options.asUser ? userApi(server) : workerApi(server);
  const cache = new DependencyCache({
    dir: join(workDir, "dependencies"),
    maxBytes: 1e9,
    download: httpDownloader(api),
    log,
    retryDelayMs: 1,
  });
  await cache.load();
  const parsed = parseAgentArgs(
    ["--server", server.url, "--id", "test-worker", "--work-dir", workDir, ...(options.args ?? [])],
    {},
    { hostname: "test-host", cwd: workDir },
  );
  if (parsed.help) throw new Error("help");
  const agent = new Agent({
    config: parsed.config,
    runtime,
    api,
    cache,
    store: new StateStore(join(workDir, "state.json"), log),
    transport: webSocketTransport,
    log,
    measureCapacity: async () => ({ cpus: 2, gpus: 1, memory_bytes: 8 * 2 ** 30, free_disk_bytes: 10 ** 10 }),
    timing: { ...FAST_TIMING, ...options.timing },
  });
  const socketPromise = server.nextSocket();
  await agent.start();
  agent.connect();
  const socket = await socketPromise;
  const hello = options.welcome === false ? {} : await server.welcome(socket);
  return { agent, runtime, log, workDir, socket, hello, seq: () => ++seqCounter };
}

export async function stopAgent(harness: Harness): Promise<void> {
  for (const controller of [...harness.agent.runs.values()]) await controller.drop("test over");
  await harness.agent.stop(0);
}

export function welcomeMessage(workerId = "w-1") {
  return {
    type: "welcome",
    protocol_version: PROTOCOL_VERSION,
    worker_id: workerId,
    server_time: Date.now(),
    heartbeat_interval_ms: 15_000,
  };
}
