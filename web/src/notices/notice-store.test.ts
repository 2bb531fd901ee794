import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dismissNotice, notices, showNotice } from "./notice-store.ts";

describe("notice store", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const notice of notices()) dismissNotice(notice.id);
    vi.useRealTimers();
  });

  it("lists notices in the order they were shown", () => {
    showNotice("info", "first");
    showNotice("success", "second");
    expect(notices().map((notice) => notice.text)).toEqual(["first", "second"]);
  });

  it("dismisses information after a while but keeps errors until dismissed", () => {
    showNotice("success", "saved");
    showNotice("error", "failed");
    vi.advanceTimersByTime(6000);
    expect(notices().map((notice) => notice.text)).toEqual(["failed"]);
    const [error] = notices();
    if (error) dismissNotice(error.id);
    expect(notices()).toEqual([]);
  });
});
