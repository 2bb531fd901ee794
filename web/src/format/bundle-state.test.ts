import { describe, expect, it } from "vitest";
import { isFinalState, lifecycle, stateTone } from "./bundle-state.ts";

describe("bundle states for people", () => {
  it("gives each state a tone", () => {
    expect(stateTone("ready")).toBe("done");
    expect(stateTone("failed")).toBe("failed");
    expect(stateTone("killed")).toBe("stopped");
    expect(stateTone("staged")).toBe("waiting");
    expect(stateTone("running")).toBe("active");
  });

  it("marks a run's lifecycle up to its current state", () => {
    expect(lifecycle("run", "running").map((step) => `${step.state}:${step.status}`)).toEqual([
      "created:done",
      "staged:done",
      "starting:done",
      "preparing:done",
      "running:current",
      "finalizing:todo",
      "ready:todo",
    ]);
    expect(lifecycle("dataset", "ready").at(-1)).toEqual({ state: "ready", status: "current" });
  });

  it("shows a failed run's path as done, without ready", () => {
    expect(lifecycle("make", "failed").map((step) => step.state)).toEqual(["created", "staged", "making"]);
  });

  it("knows the final states", () => {
    expect(isFinalState("killed")).toBe(true);
    expect(isFinalState("running")).toBe(false);
  });
});
