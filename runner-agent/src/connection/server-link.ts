/**
 * The runner's end of the protocol socket (core/src/runs/protocol.ts): connect with the bearer
 * token, send `hello`, wait for `welcome`, heartbeat, hand commands to the agent one at a time in
 * arrival order and acknowledge each, answer pings, and reconnect with capped, jittered back-off
 * whenever the socket goes away. Frames are parsed with the protocol's schemas; nothing is cast.
 */
import {
  encodeMessage,
  type Hello,
  isCommand,
  parseServerMessage,
  type RunnerMessageInput,
  type ServerCommand,
  type ServerMessage,
} from "@codalab/core/runs/protocol";
import { errorText, type Logger } from "../logger.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import type { SeenCommands } from "./seen-commands.ts";
import type { AgentSocket, Transport } from "./transport.ts";

/** Server errors after which the runner stops instead of reconnecting. */
const STOPPING_ERRORS = new Set(["unsupported_protocol", "token_revoked"]);

export type Welcome = Extract<ServerMessage, { type: "welcome" }>;
export type ReadRequest = Extract<ServerMessage, { type: "read" }>;
export type ReadCancel = Extract<ServerMessage, { type: "read_cancel" }>;
export type HelloInput = Omit<Partial<Hello>, "type" | "protocol_version"> &
  Pick<Hello, "worker_name" | "hostname" | "runtime" | "capacity" | "runs" | "cached_dependencies">;

export type LinkHandlers = {
  /** Built fresh for every connection: the runs held right now. */
  hello(): HelloInput;
  /** After each welcome: report every held run again. */
  welcome(message: Welcome): void;
  /** Commands arrive one at a time, in order; the ack follows the returned promise. */
  command(message: ServerCommand): Promise<void>;
  read(message: ReadRequest): void;
  /** The server no longer wants a read's answer (protocol 2). */
  readCancel(message: ReadCancel): void;
  /** A fatal error the runner cannot fix by reconnecting (unsupported version, revoked token). */
  fatal(message: string): void;
};

export type LinkOptions = {
  url: () => string;
  token: () => Promise<string>;
  /**
   * The socket could not be opened; the WebSocket API hides why, so this asks the server over
   * plain HTTP (and may drop a refused token). Returns a reason for the log.
   */
  diagnose?: (url: string, token: string) => Promise<string | null>;
  transport: Transport;
  handlers: LinkHandlers;
  seen: SeenCommands;
  /** After each command is carried out and remembered (the agent persists `seen`). */
  afterCommand?: () => void;
  log: Logger;
  protocolVersion: number;
  backoff?: BackoffOptions;
  helloTimeoutMs?: number;
  /** Bytes queued on the socket above which `writable()` waits. */
  highWaterMark?: number;
};

export class ServerLink {
  private socket: AgentSocket | null = null;
  private welcomed = false;
  private stopped = true;
  private attempt = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  private sleeper: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readyWaiters: (() => void)[] = [];
  private closedWaiter: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private closingOnPurpose = false;
  private reconnectNow = false;
  private readonly options: LinkOptions;

  constructor(options: LinkOptions) {
    this.options = options;
  }

  /** Welcomed on the current socket: messages sent now reach a session that knows us. */
  get ready(): boolean {
    return this.welcomed && this.socket !== null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper?.wake();
    this.socket?.close(1000, "runner stopping");
    await this.loop;
    await this.queue;
  }

  /** Drops the socket and connects again at once (a new hello tells the server what we hold). */
  reconnect(reason: string): void {
    this.options.log.info(`reconnecting: ${reason}`);
    this.attempt = 0;
    // Not ready from now on: `whenReady` waits for the welcome on the new socket.
    this.welcomed = false;
    this.closingOnPurpose = true;
    this.reconnectNow = true;
    this.socket?.close(1000, reason);
    this.sleeper?.wake();
  }

  /** Sends when welcomed; otherwise drops the message (everything is re-reported after welcome). */
  send(message: RunnerMessageInput): boolean {
    const socket = this.socket;
    if (socket === null || (!this.welcomed && message.type !== "hello")) return false;
    let text: string;
    try {
      text = encodeMessage(message);
    } catch (error) {
      this.options.log.error(`not sending an invalid ${message.type} message: ${errorText(error)}`);
      return false;
    }
    try {
      socket.send(text);
      return true;
    } catch (error) {
      this.options.log.warn(`sending ${message.type} failed: ${errorText(error)}`);
      return false;
    }
  }

  /** Resolves when the socket's send buffer is below the high-water mark (or it went away). */
  async writable(): Promise<boolean> {
    const limit = this.options.highWaterMark ?? 4 * 1024 * 1024;
    for (;;) {
      const socket = this.socket;
      if (socket === null || !this.welcomed) return false;
      if (socket.bufferedAmount < limit) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Resolves after the next welcome (or at once when welcomed). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    while (!this.stopped) {
      const url = this.options.url();
      let token = "";
      try {
        token = await this.options.token();
        const closed = new Promise<void>((resolve) => {
          this.closedWaiter = resolve;
        });
        this.socket = await this.options.transport(
          url,
          { authorization: `Bearer ${token}` },
          {
            onMessage: (data) => this.receive(data),
            onClose: (code, reason) => this.closed(code, reason),
          },
        );
        log.info(`connected to ${url.replace(/\?.*$/, "")}`);
        this.sendHello();
        await closed;
      } catch (error) {
        const reason = token === "" ? null : await this.options.diagnose?.(url, token).catch(() => null);
        log.warn(`cannot connect: ${reason ?? errorText(error)}`);
      }
      this.socket = null;
      this.welcomed = false;
      if (this.stopped) break;
      if (this.reconnectNow) {
        this.reconnectNow = false;
        continue;
      }
      const delay = backoffDelay(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF);
      this.attempt++;
      log.info(`reconnecting in ${(delay / 1000).toFixed(1)}s`);
      await this.sleep(delay);
    }
  }

  private sendHello(): void {
    const hello = this.options.handlers.hello();
    this.send({ ...hello, type: "hello", protocol_version: this.options.protocolVersion });
    this.helloTimer = setTimeout(() => {
      if (!this.welcomed) {
        this.options.log.warn("no welcome from the server; closing the socket");
        this.socket?.close(4002, "no welcome");
      }
    }, this.options.helloTimeoutMs ?? 30_000);
  }

  private closed(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.helloTimer);
    this.heartbeat = undefined;
    const wasReady = this.welcomed;
    this.welcomed = false;
    this.socket = null;
    if (!this.stopped && !this.closingOnPurpose) {
      this.options.log.warn(
        `disconnected (code ${code}${reason ? `: ${reason}` : ""})${wasReady ? "" : " before welcome"}`,
      );
    }
    this.closingOnPurpose = false;
    const waiter = this.closedWaiter;
    this.closedWaiter = undefined;
    waiter?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeper = { timer, wake };
    });
  }

  private receive(data: string): void {
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      this.options.log.warn(`ignoring a server frame: ${parsed.error.message}`);
      return;
    }
    const message = parsed.message;
    if (isCommand(message)) {
      this.queue = this.queue.then(() => this.handleCommand(message));
      return;
    }
    switch (message.type) {
      case "welcome":
        this.handleWelcome(message);
        return;
      case "ping":
        this.send({ type: "pong", nonce: message.nonce });
        return;
      case "read":
        this.options.handlers.read(message);
        return;
      case "read_cancel":
        this.options.handlers.readCancel(message);
        return;
      case "error":
        this.options.log.warn(`server says ${message.code}: ${message.message}`);
        // Reconnecting cannot help: an old protocol, or the worker token was revoked.
        if (message.fatal && STOPPING_ERRORS.has(message.code)) {
          this.stopped = true;
          this.options.handlers.fatal(message.message);
        }
        return;
    }
  }

  private handleWelcome(message: Welcome): void {
    clearTimeout(this.helloTimer);
    this.welcomed = true;
    this.attempt = 0;
    if (this.options.seen.session(message.worker_id)) {
      this.options.log.info(`server session changed to ${message.worker_id}; forgetting old command numbers`);
    }
    this.options.log.info(
      `welcomed as worker ${message.worker_id} (heartbeat every ${message.heartbeat_interval_ms} ms)`,
    );
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.send({ type: "heartbeat" }), message.heartbeat_interval_ms);
    this.options.handlers.welcome(message);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async handleCommand(message: ServerCommand): Promise<void> {
    const seen = this.options.seen;
    if (!seen.has(message.seq)) {
      try {
        await this.options.handlers.command(message);
      } catch (error) {
        // Carrying it out failed here; the server re-sending it would fail the same way.
        this.options.log.error(`${message.type} (seq ${message.seq}) failed: ${errorText(error)}`);
      }
      seen.add(message.seq);
      this.options.afterCommand?.();
    }
    this.send({ type: "ack", seq: message.seq });
  }
}
