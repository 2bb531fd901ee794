/**
 * A protocol-level simulated runner for the scheduling benchmarks: the real WebSocket to
 * `/rest/workers/connect`, frames encoded and parsed with core's protocol schemas, a hello with the
 * capacity it is told, heartbeats, and assignments acknowledged at once (`ack` + `run_ack`) as the
 * real runner does. It runs nothing: it notes when each assignment arrived.
 */
import {
  type Capacity,
  encodeMessage,
  PROTOCOL_VERSION,
  parseServerMessage,
  type RunnerMessageInput,
} from "@codalab/core";

export type SimRunnerOptions = {
  server: string;
  token: string;
  name: string;
  capacity: Capacity;
  tag?: string;
  /** Called for each assignment, with performance.now() at its arrival. */
  onAssign?: (uuid: string, at: number) => void;
};

export class SimRunner {
  readonly assigned = new Map<string, number>();
  workerId = "";
  private readonly ws: WebSocket;
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
  }

  /** Opens the socket, says hello and resolves at the welcome. */
  static connect(options: SimRunnerOptions): Promise<SimRunner> {
    const url = new URL("/rest/workers/connect", options.server);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("worker_name", options.name);
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${options.token}` } });
    const runner = new SimRunner(ws);
    return new Promise((resolve, reject) => {
      ws.addEventListener("open", () =>
        runner.send({
          type: "hello",
          protocol_version: PROTOCOL_VERSION,
          worker_name: options.name,
          hostname: "bench",
          runtime: "docker",
          capacity: options.capacity,
          tag: options.tag ?? null,
          runs: [],
          cached_dependencies: [],
        }),
      );
      ws.addEventListener("error", () => reject(new Error(`${options.name}: the socket failed`)));
      ws.addEventListener("close", (event) => reject(new Error(`${options.name}: closed (${event.code})`)));
      ws.addEventListener("message", (event: MessageEvent) => {
        const at = performance.now();
        const parsed = parseServerMessage(String(event.data));
        if (!parsed.ok) throw parsed.error;
        const message = parsed.message;
        switch (message.type) {
          case "welcome":
            runner.workerId = message.worker_id;
            runner.heartbeat = setInterval(() => runner.send({ type: "heartbeat" }), message.heartbeat_interval_ms);
            resolve(runner);
            return;
          case "assign":
            if (!runner.assigned.has(message.run.uuid)) {
              runner.assigned.set(message.run.uuid, at);
              options.onAssign?.(message.run.uuid, at);
            }
            runner.send({ type: "ack", seq: message.seq });
            runner.send({ type: "run_ack", uuid: message.run.uuid });
            return;
          case "kill":
          case "write":
          case "mark_finalized":
          case "reconcile":
            runner.send({ type: "ack", seq: message.seq });
            return;
          case "ping":
            runner.send({ type: "pong", nonce: message.nonce });
            return;
          case "error":
            if (message.fatal) reject(new Error(`${options.name}: ${message.message}`));
            return;
          case "read":
            runner.send({ type: "read_error", id: message.id, code: "not_running", message: "simulated runner" });
            return;
        }
      });
    });
  }

  send(message: RunnerMessageInput): void {
    this.ws.send(encodeMessage(message));
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.ws.close(1000, "benchmark done");
  }
}
