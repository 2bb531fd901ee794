import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "./format-date.ts";

const pinned = { locale: "en-GB", timeZone: "UTC" };

describe("formatDate", () => {
  it("writes unix seconds as a long date in the given locale and zone", () => {
    expect(formatDate(1_700_000_000, pinned)).toBe("14 November 2023");
  });

  it("says unknown for a missing date", () => {
    expect(formatDate(null, pinned)).toBe("unknown");
    expect(formatDate(Number.NaN, pinned)).toBe("unknown");
  });
});

describe("formatDateTime", () => {
  it("adds the time of day", () => {
    expect(formatDateTime(1_700_000_000, pinned)).toBe("14 Nov 2023, 22:13");
  });

  it("uses the reader's own locale when none is given", () => {
    expect(formatDateTime(1_700_000_000)).toMatch(/2023/);
  });
});
