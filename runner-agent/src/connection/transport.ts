/**
 * The socket under the protocol, behind a small interface so tests can swap it. The real one is
 * the standard `WebSocket` of Node 24 (undici), which accepts request headers for the upgrade.
 */
export type SocketEvents = {
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
};

export type AgentSocket = {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet sent (for back-pressure on large reads). */
  readonly bufferedAmount: number;
};

/** Opens a socket: resolves once it is open, rejects when it cannot be opened. */
export type Transport = (url: string, headers: Record<string, string>, events: SocketEvents) => Promise<AgentSocket>;

export const webSocketTransport: Transport = (url, headers, events) =>
  new Promise<AgentSocket>((resolve, reject) => {
    let opened = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { headers });
    } catch (error) {
      reject(error);
      return;
    }
    ws.binaryType = "arraybuffer";
    ws.addEventListener("open", () => {
      opened = true;
      resolve({
        send: (text) => ws.send(text),
        close: (code, reason) => {
          try {
            ws.close(code ?? 1000, reason);
          } catch {
            ws.close();
          }
        },
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
      });
    });
    ws.addEventListener("message", (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data === "string") events.onMessage(data);
      else if (data instanceof ArrayBuffer) events.onMessage(new TextDecoder().decode(data));
    });
    ws.addEventListener("error", (event: Event) => {
      if (!opened) {
        const message = Reflect.get(event, "message");
        reject(new Error(typeof message === "string" && message !== "" ? message : `cannot connect to ${url}`));
      }
    });
    ws.addEventListener("close", (event: CloseEvent) => {
      if (opened) events.onClose(event.code, event.reason);
      else reject(new Error(`connection to ${url} closed before it opened (code ${event.code})`));
    });
  });
