import { describe, expect, it } from "vitest";
import { createSessionStore, createStateStore, createTokenStore, parseState } from "./client-state.ts";
import { createMemoryDocument } from "./json-document.ts";

const AUTH = { access_token: "a", refresh_token: "r", expires_at: 100, user_name: "alice" };

describe("client state", () => {
  it("reads a missing or malformed file as empty state", () => {
    expect(parseState(undefined)).toEqual({ sessions: {}, auth: {} });
    expect(parseState([1, 2])).toEqual({ sessions: {}, auth: {} });
    expect(parseState({ sessions: "x", auth: 3 })).toEqual({ sessions: {}, auth: {} });
  });

  it("drops entries that do not fit and keeps the rest, including unknown keys", () => {
    const state = parseState({
      sessions: { good: { address: "http://a", worksheet_uuid: "0x1" }, noAddress: {}, empty: { address: "" } },
      auth: { "http://a": AUTH, "http://b": { access_token: "a" }, "http://c": "x" },
      last_check_version_datetime: "2024-01-01",
    });
    expect(state).toEqual({
      sessions: { good: { address: "http://a", worksheet_uuid: "0x1" } },
      auth: { "http://a": AUTH },
      last_check_version_datetime: "2024-01-01",
    });
  });

  it("ignores an empty worksheet uuid (CodaLab writes '')", () => {
    expect(parseState({ sessions: { s: { address: "http://a", worksheet_uuid: "" } } }).sessions).toEqual({
      s: { address: "http://a" },
    });
  });

  describe("sessions", () => {
    it("gives a new session the default address without writing anything", async () => {
      const file = createMemoryDocument("state.json");
      const sessions = createSessionStore(createStateStore(file), "42", async () => "http://default");
      expect(await sessions.current()).toEqual({ address: "http://default" });
      expect(file.value).toBeUndefined();
    });

    it("switches only its own session, dropping the worksheet when none is given", async () => {
      const file = createMemoryDocument("state.json", {
        sessions: { "42": { address: "http://a", worksheet_uuid: "0x1" }, other: { address: "http://o" } },
      });
      const state = createStateStore(file);
      const sessions = createSessionStore(state, "42", async () => "http://default");
      await sessions.switchTo("http://b");
      expect(await sessions.current()).toEqual({ address: "http://b" });
      await sessions.switchTo("http://c", "0x2");
      expect(await sessions.current()).toEqual({ address: "http://c", worksheet_uuid: "0x2" });
      expect((await state.read()).sessions.other).toEqual({ address: "http://o" });
    });
  });

  describe("tokens", () => {
    it("stores, reads and drops tokens per address", async () => {
      const file = createMemoryDocument("state.json");
      const tokens = createTokenStore(createStateStore(file));
      await tokens.put("http://a", AUTH);
      expect(await tokens.get("http://a")).toEqual(AUTH);
      expect(await tokens.get("http://b")).toBeUndefined();
      expect(await tokens.drop("http://a")).toBe(true);
      expect(await tokens.drop("http://a")).toBe(false);
      expect(file.value).toEqual({ sessions: {}, auth: {} });
    });
  });
});
