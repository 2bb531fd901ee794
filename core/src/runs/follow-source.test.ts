import { describe, expect, it } from "vitest";
import { followSource, restartsRun } from "./follow-source.ts";

describe("where a followed file's next bytes come from", () => {
  it("asks the worker while a run prepares or runs, until the worker streamed it to the end", () => {
    expect(followSource({ bundle_type: "run", state: "preparing" }, false)).toBe("runner");
    expect(followSource({ bundle_type: "run", state: "running" }, false)).toBe("runner");
    expect(followSource({ bundle_type: "run", state: "running" }, true)).toBe("wait");
  });

  it("reads the store once the bundle is final, whatever its type", () => {
    for (const state of ["ready", "failed", "killed"] as const) {
      expect(followSource({ bundle_type: "run", state }, false)).toBe("storage");
      expect(followSource({ bundle_type: "dataset", state }, true)).toBe("storage");
    }
  });

  it("waits in every state in between", () => {
    for (const state of ["created", "staged", "starting", "finalizing", "worker_offline", "uploading"] as const) {
      expect(followSource({ bundle_type: "run", state }, false)).toBe("wait");
    }
    expect(followSource({ bundle_type: "make", state: "making" }, false)).toBe("wait");
  });

  it("knows a run sent back to staging runs again", () => {
    expect(restartsRun("staged")).toBe(true);
    expect(restartsRun("running")).toBe(false);
  });
});
