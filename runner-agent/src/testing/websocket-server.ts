/**
 * Test support: the server end of a WebSocket (RFC 6455) on a node:http upgrade, just enough for
 * the fake CodaLab server: text frames, fragmentation, ping/pong and close. Node 24 has a
 * WebSocket client but no server.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export function encodeFrame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

export type Frame = { fin: boolean; opcode: number; payload: Buffer };

/** Parses as many whole frames as `buffer` holds; returns them and the bytes left over. */
export function decodeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const first = buffer[offset] ?? 0;
    const second = buffer[offset + 1] ?? 0;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length - cursor < 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length - cursor < 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const maskLength = masked ? 4 : 0;
    if (buffer.length - cursor < maskLength + length) break;
    const mask = buffer.subarray(cursor, cursor + maskLength);
    cursor += maskLength;
    const payload = Buffer.from(buffer.subarray(cursor, cursor + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    frames.push({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload });
    offset = cursor + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export class ServerWebSocket {
  readonly request: IncomingMessage;
  readonly received: unknown[] = [];
  closedWith: { code: number; reason: string } | null = null;
  readonly closed: Promise<void>;
  private readonly socket: Duplex;
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private waiters: { match: (message: unknown) => boolean; resolve: (message: unknown) => void }[] = [];
  private markClosed: () => void = () => undefined;

  constructor(request: IncomingMessage, socket: Duplex, head: Buffer) {
    this.request = request;
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    const key = String(request.headers["sec-websocket-key"] ?? "");
    const accept = createHash("sha1")
      .update(key + GUID)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("close", () => {
      this.closedWith ??= { code: 1006, reason: "" };
      this.markClosed();
    });
    socket.on("error", () => undefined);
    if (head.length > 0) this.data(head);
  }

  private data(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const { frames, rest } = decodeFrames(this.buffer);
    this.buffer = rest;
    for (const frame of frames) this.frame(frame);
  }

  private frame(frame: Frame): void {
    switch (frame.opcode) {
      case 0x0:
      case 0x1:
      case 0x2:
        this.fragments.push(frame.payload);
        if (frame.fin) {
          const text = Buffer.concat(this.fragments).toString("utf8");
          this.fragments = [];
          this.message(JSON.parse(text));
        }
        return;
      case 0x8: {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        this.closedWith = { code, reason: frame.payload.subarray(2).toString("utf8") };
        if (!this.socket.destroyed) {
          this.socket.write(encodeFrame(0x8, frame.payload.subarray(0, 2)));
          this.socket.end();
        }
        return;
      }
      case 0x9:
        this.socket.write(encodeFrame(0xa, frame.payload));
        return;
    }
  }

  private message(message: unknown): void {
    this.received.push(message);
    const waiter = this.waiters.find((w) => w.match(message));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(message);
    }
  }

  send(message: unknown): void {
    if (this.socket.destroyed) return;
    this.socket.write(encodeFrame(0x1, Buffer.from(JSON.stringify(message))));
  }

  close(code = 1000, reason = ""): void {
    if (this.socket.destroyed) return;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.socket.write(encodeFrame(0x8, payload));
    this.socket.end();
  }

  /** Cuts the TCP connection without a close frame (a network failure). */
  destroy(): void {
    this.socket.destroy();
  }

  /**
   * The first message (already received or still to come, in order) that matches; messages
   * already taken by an earlier `next` are not offered again.
   */
  next<T = Record<string, unknown>>(
    match: string | ((message: Record<string, unknown>) => boolean),
    timeoutMs = 5000,
  ): Promise<T> {
    const test = (message: unknown): boolean => {
      if (typeof message !== "object" || message === null) return false;
      const record = message as Record<string, unknown>;
      return typeof match === "string" ? record.type === match : match(record);
    };
    const taken = this.taken;
    const found = this.received.findIndex((message, i) => !taken.has(i) && test(message));
    if (found !== -1) {
      taken.add(found);
      return Promise.resolve(this.received[found] as T);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no ${typeof match === "string" ? match : "matching"} message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (message: unknown) => {
        clearTimeout(timer);
        taken.add(this.received.indexOf(message));
        resolve(message as T);
      };
      this.waiters.push({ match: test, resolve: done });
    });
  }

  private readonly taken = new Set<number>();

  /** All messages of a type received so far. */
  all<T = Record<string, unknown>>(type: string): T[] {
    return this.received.filter(
      (message) => typeof message === "object" && message !== null && Reflect.get(message, "type") === type,
    ) as T[];
  }
}
