import { describe, expect, it } from "vitest";
import { uploadPercent, uploadStatusText } from "./upload-status.ts";

describe("an upload's status line", () => {
  it("follows the phases of an upload", () => {
    const at = (phase: "preparing" | "unpacking" | "uploading" | "finishing", sent: number, total: number) => ({
      status: "uploading" as const,
      progress: { phase, sent, total },
      error: null,
    });
    expect(uploadStatusText({ status: "uploading", progress: null, error: null })).toBe("Preparing…");
    expect(uploadStatusText(at("unpacking", 512, 2048))).toBe("Unpacking… 25% of 2 KiB");
    expect(uploadStatusText(at("uploading", 1024, 4096))).toBe("25% of 4 KiB");
    expect(uploadStatusText(at("finishing", 4096, 4096))).toBe("Checking on the server…");
    expect(uploadPercent(at("uploading", 4096, 4096))).toBe(100);
  });

  it("says when it is done and why it failed", () => {
    expect(uploadStatusText({ status: "done", progress: null, error: null })).toBe("Uploaded");
    expect(uploadPercent({ status: "done", progress: null, error: null })).toBe(100);
    expect(uploadStatusText({ status: "failed", progress: null, error: "Cannot unpack x.zip: …" })).toBe(
      "Cannot unpack x.zip: …",
    );
  });
});
