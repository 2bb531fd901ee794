/** Reads a Server-Sent Events answer of the real Worker incrementally, as a client would. */
import { exports } from "cloudflare:workers";
import { type ServerSentEvent, ServerSentEventParser } from "@codalab/core";

export class EventStream {
  readonly response: Response;
  /** Everything received so far, comments included. */
  text = "";
  ended = false;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #parser = new ServerSentEventParser();
  readonly #events: ServerSentEvent[] = [];
  readonly #decoder = new TextDecoder();
  #reading: Promise<void> | undefined;

  private constructor(response: Response) {
    this.response = response;
    if (response.body === null) throw new Error("the answer has no body");
    this.#reader = response.body.getReader();
  }

  static async open(path: string, token?: string): Promise<EventStream> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await exports.default.fetch(new Request(`http://localhost${path}`, { headers }));
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return new EventStream(response);
  }

  async #pull(): Promise<void> {
    this.#reading ??= this.#reader.read().then(({ done, value }) => {
      this.#reading = undefined;
      if (done) {
        this.ended = true;
        return;
      }
      const text = this.#decoder.decode(value, { stream: true });
      this.text += text;
      this.#events.push(...this.#parser.push(text));
    });
    await this.#reading;
  }

  /** The next event, waiting up to `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<ServerSentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.#events.shift();
      if (event !== undefined) return event;
      if (this.ended) throw new Error(`the stream ended; received ${JSON.stringify(this.text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms; received ${JSON.stringify(this.text)}`);
      await Promise.race([this.#pull(), new Promise((resolve) => setTimeout(resolve, left))]);
    }
  }

  /** The next event's name and parsed data. */
  async nextJson<T = Record<string, unknown>>(timeoutMs = 5000): Promise<{ event: string; data: T }> {
    const event = await this.next(timeoutMs);
    return { event: event.event, data: JSON.parse(event.data) as T };
  }

  /** Resolves once the server closed the stream (events left unread are kept). */
  async closed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the stream stayed open; received ${JSON.stringify(this.text)}`);
      await Promise.race([this.#pull(), new Promise((resolve) => setTimeout(resolve, left))]);
    }
  }

  /** Waits until `probe` holds for the text received, pulling meanwhile. */
  async until(probe: (text: string) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe(this.text)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) throw new Error(`never saw it; received ${JSON.stringify(this.text)}`);
      await Promise.race([this.#pull(), new Promise((resolve) => setTimeout(resolve, left))]);
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}
