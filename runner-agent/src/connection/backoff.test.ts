import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";
import { MAX_REMEMBERED_SEQS, SeenCommands } from "./seen-commands.ts";

describe("reconnect back-off", () => {
  it("doubles from the base, with half of each delay random, up to the cap", () => {
    const low = { baseMs: 1000, maxMs: 60_000, random: () => 0 };
    const high = { ...low, random: () => 1 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, low))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, high))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, high)).toBe(60_000);
    expect(backoffDelay(1000, low)).toBe(30_000);
  });
});

describe("command numbers already carried out", () => {
  it("remembers sequence numbers of one server session", () => {
    const seen = new SeenCommands();
    expect(seen.session("w1")).toBe(false);
    seen.add(3);
    expect(seen.has(3)).toBe(true);
    expect(seen.session("w1")).toBe(false);
    expect(seen.has(3)).toBe(true);
    expect(seen.toJSON()).toEqual({ worker_id: "w1", seqs: [3] });
  });

  it("forgets them when the server session changes", () => {
    const seen = new SeenCommands({ worker_id: "w1", seqs: [1, 2] });
    expect(seen.session("w2")).toBe(true);
    expect(seen.has(1)).toBe(false);
  });

  it("keeps only the most recent numbers", () => {
    const seen = new SeenCommands();
    for (let i = 0; i < MAX_REMEMBERED_SEQS + 10; i++) seen.add(i);
    expect(seen.has(0)).toBe(false);
    expect(seen.has(MAX_REMEMBERED_SEQS + 9)).toBe(true);
    seen.restore({ worker_id: "w9", seqs: [7] });
    expect(seen.toJSON()).toEqual({ worker_id: "w9", seqs: [7] });
  });
});
