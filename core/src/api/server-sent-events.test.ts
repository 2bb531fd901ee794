import { describe, expect, it } from "vitest";
import { formatServerSentComment, formatServerSentEvent, ServerSentEventParser } from "./server-sent-events.ts";

describe("server-sent events", () => {
  it("round-trips events whose data holds newlines, whatever the chunking", () => {
    const text =
      formatServerSentEvent("bundle", '{"a":1}') +
      formatServerSentComment("keepalive") +
      formatServerSentEvent("error", "line one\nline two\r\nline three");
    for (const size of [1, 2, 3, 7, text.length]) {
      const parser = new ServerSentEventParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
      expect(events).toEqual([
        { event: "bundle", data: '{"a":1}' },
        { event: "error", data: "line one\nline two\nline three" },
      ]);
    }
  });

  it("reads other servers' spellings: CRLF lines, no space after the colon, no event name", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push("id: 7\r\ndata:x\r\ndata\r\n\r\nretry: 10\n\n")).toEqual([{ event: "message", data: "x\n" }]);
  });

  it("ignores heartbeats and events without data", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push(`${formatServerSentComment("ping\nagain")}event: nothing\n\n`)).toEqual([]);
  });

  it("refuses an event name that would break the framing", () => {
    expect(() => formatServerSentEvent("a\nb", "")).toThrow("line break");
  });
});
