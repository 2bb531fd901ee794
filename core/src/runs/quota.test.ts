import { describe, expect, it } from "vitest";
import {
  creationQuotaRefusal,
  DISK_QUOTA_KILL_MESSAGE,
  quotaKillMessage,
  TIME_QUOTA_KILL_MESSAGE,
  timeCharge,
} from "./quota.ts";
import { finalRunState } from "./state-machine.ts";

describe("time charges", () => {
  it("charges what the reported time grew by, in whole seconds that add up to the final time rounded up", () => {
    const reports = [0.4, 1.2, 1.2, 5, 61.2];
    let before: number | undefined;
    let total = 0;
    for (const time of reports) {
      total += timeCharge(before, time);
      before = time;
    }
    expect(total).toBe(62);
  });

  it("charges nothing for a report without time, a repeated one, or a smaller one", () => {
    expect(timeCharge(5, undefined)).toBe(0);
    expect(timeCharge(5, 5)).toBe(0);
    expect(timeCharge(9, 3)).toBe(0);
    expect(timeCharge(null, 2.5)).toBe(3);
  });
});

describe("quota kills", () => {
  const quota = { time_used: 10, time_quota: 100, disk_used: 10, disk_quota: 100 };

  it("kills with CodaLab's message when the time or disk quota is used up, time first", () => {
    expect(quotaKillMessage(quota)).toBeNull();
    expect(quotaKillMessage({ ...quota, time_used: 100 })).toBe(TIME_QUOTA_KILL_MESSAGE);
    expect(quotaKillMessage({ ...quota, disk_used: 120 })).toBe(DISK_QUOTA_KILL_MESSAGE);
    expect(quotaKillMessage({ ...quota, time_used: 100, disk_used: 120 })).toBe(TIME_QUOTA_KILL_MESSAGE);
  });

  it("ends such a run killed, not failed", () => {
    expect(TIME_QUOTA_KILL_MESSAGE).toMatch(/^Kill requested: User time quota exceeded\./);
    expect(finalRunState({ failure_message: DISK_QUOTA_KILL_MESSAGE, exitcode: 137 })).toBe("killed");
  });
});

describe("creating bundles", () => {
  const quota = { time_used: 3000, time_quota: 3600, disk_used: 5 * 1024 ** 3, disk_quota: 10 * 1024 ** 3 };

  it("is allowed while some time and some disk are left", () => {
    expect(creationQuotaRefusal(quota)).toBeNull();
    expect(creationQuotaRefusal({ ...quota, time_used: 3599, disk_used: 10 * 1024 ** 3 - 1 })).toBeNull();
  });

  it("is refused once the time or the disk used reaches the quota, time first, with the numbers", () => {
    expect(creationQuotaRefusal({ ...quota, time_used: 3600 })).toEqual({
      message: "time quota exceeded: 1h of 1h used",
      details: { ...quota, time_used: 3600 },
    });
    expect(creationQuotaRefusal({ ...quota, disk_used: 12 * 1024 ** 3 })?.message).toBe(
      "disk quota exceeded: 12g of 10g used; delete bundles to free space",
    );
    expect(creationQuotaRefusal({ ...quota, time_used: 4000, disk_used: 10 * 1024 ** 3 })?.message).toMatch(
      /^time quota exceeded: /,
    );
  });
});
