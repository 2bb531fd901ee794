import { describe, expect, it } from "vitest";
import { formatSize } from "./format-size.ts";

describe("formatSize", () => {
  it("shows small counts in whole bytes", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1023)).toBe("1023 B");
  });

  it("uses binary units with one decimal below 10", () => {
    expect(formatSize(1024)).toBe("1 KiB");
    expect(formatSize(1536)).toBe("1.5 KiB");
    expect(formatSize(12.4 * 1024 ** 2)).toBe("12 MiB");
    expect(formatSize(1024 ** 4)).toBe("1 TiB");
  });

  it("moves to the next unit instead of showing 1024 of the smaller one", () => {
    expect(formatSize(1024 * 1024 - 1)).toBe("1 MiB");
  });

  it("stops at the largest unit", () => {
    expect(formatSize(2048 * 1024 ** 5)).toBe("2048 PiB");
  });

  it("says unknown for negative or non-finite input", () => {
    expect(formatSize(-1)).toBe("unknown");
    expect(formatSize(Number.POSITIVE_INFINITY)).toBe("unknown");
  });
});
