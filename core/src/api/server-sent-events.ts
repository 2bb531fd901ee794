/**
 * Server-Sent Events framing (the WHATWG `text/event-stream` format), both ways and without zod
 * so the CLI can load it cheaply: the Worker writes events and comment heartbeats, the CLI (which
 * cannot use EventSource: it sends a bearer token) parses the byte stream incrementally. Only the
 * `event` and `data` fields are used; `id` and `retry` are read past.
 */

export type ServerSentEvent = { event: string; data: string };

/** One event; `data` may hold newlines (each line becomes its own `data:` field). */
export function formatServerSentEvent(event: string, data: string): string {
  if (/[\r\n]/.test(event)) throw new TypeError("an event name cannot contain a line break");
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
  return `event: ${event}\n${lines.join("\n")}\n\n`;
}

/** A comment line: ignored by every parser, but it keeps proxies from closing an idle stream. */
export function formatServerSentComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/** Feeds text as it arrives (any split); returns the events completed so far. */
export class ServerSentEventParser {
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #hasData = false;

  push(text: string): ServerSentEvent[] {
    this.#buffer += text;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (match === null || (match[0] === "\r" && match.index === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event !== null) events.push(event);
    }
    return events;
  }

  #line(line: string): ServerSentEvent | null {
    if (line === "") {
      const done = this.#hasData ? { event: this.#event || "message", data: this.#data.join("\n") } : null;
      this.#event = "";
      this.#data = [];
      this.#hasData = false;
      return done;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") {
      this.#data.push(value);
      this.#hasData = true;
    }
    return null;
  }
}
