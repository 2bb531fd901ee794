import { describe, expect, it } from "vitest";
import { ProgressBar, renderProgress } from "./progress-bar.ts";

describe("renderProgress", () => {
  it("shows bytes, a bar, the percentage, the speed and the time left", () => {
    expect(renderProgress({ label: "Uploading", done: 512 * 1024, total: 1024 * 1024, elapsedMs: 2000 })).toBe(
      "Uploading  512k/1m  [############------------]  50%  256k/s  ETA 2s",
    );
  });

  it("shows only bytes and speed when the total is unknown", () => {
    expect(renderProgress({ label: "Downloading", done: 3000, total: null, elapsedMs: 1000 })).toBe(
      "Downloading  2.9k  2.9k/s",
    );
  });

  it("measures the speed on the bytes moved in this run", () => {
    const text = renderProgress({ label: "Up", done: 900, total: 1000, elapsedMs: 1000, moved: 100 });
    expect(text).toBe("Up  900/1000  [######################--]  90%  100/s  ETA 1s");
  });
});

describe("ProgressBar", () => {
  it("redraws at most once per interval and erases itself when finished", () => {
    const drawn: string[] = [];
    let now = 0;
    const bar = new ProgressBar({
      label: "Up",
      total: 100,
      status: (text) => drawn.push(text),
      now: () => now,
      intervalMs: 100,
    });
    bar.add(10);
    now = 50;
    bar.add(10);
    now = 150;
    bar.add(30);
    bar.remove(5);
    expect(bar.done).toBe(45);
    bar.finish();
    expect(drawn).toHaveLength(3);
    expect(drawn[0]).toMatch(/^Up {2}10\/100/);
    expect(drawn[1]).toMatch(/^Up {2}50\/100/);
    expect(drawn[2]).toBe("");
  });

  it("counts without drawing when there is no terminal", () => {
    const bar = new ProgressBar({ label: "Up", total: null, status: undefined, initial: 7 });
    bar.add(3);
    bar.finish();
    expect(bar.done).toBe(10);
  });
});
