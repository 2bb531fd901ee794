/**
 * Quotas charged while runs run (spec §6, §8.2). Time is charged only for runs on the shared pool,
 * as the runner reports it: each report charges what the run's `time` grew by since the report
 * before, in whole seconds, so the charges of one attempt add up to its final time rounded up and
 * a repeated report charges nothing. A run whose owner has no time or disk quota left is killed
 * with CodaLab's messages, which contain "Kill requested" so the run ends `killed`.
 */
import { formatDuration } from "../format/duration.ts";
import { formatSize } from "../format/size.ts";
import type { UserRunQuota } from "./resources.ts";

export const TIME_QUOTA_KILL_MESSAGE =
  "Kill requested: User time quota exceeded. To apply for more quota, ask an administrator of this instance.";
export const DISK_QUOTA_KILL_MESSAGE =
  "Kill requested: User disk quota exceeded. To apply for more quota, ask an administrator of this instance.";

function wholeSeconds(time: unknown): number {
  return typeof time === "number" && Number.isFinite(time) && time > 0 ? Math.ceil(time) : 0;
}

/** Seconds to charge when a run's reported `time` moves from `before` to `after` (never negative). */
export function timeCharge(before: unknown, after: unknown): number {
  if (after === undefined || after === null) return 0;
  return Math.max(0, wholeSeconds(after) - wholeSeconds(before));
}

/** CodaLab's kill message when the owner is out of time or disk quota, else null (time first, as CodaLab). */
export function quotaKillMessage(quota: UserRunQuota): string | null {
  if (quota.time_used >= quota.time_quota) return TIME_QUOTA_KILL_MESSAGE;
  if (quota.disk_used >= quota.disk_quota) return DISK_QUOTA_KILL_MESSAGE;
  return null;
}

/** Why a new bundle cannot be created, with the numbers behind it (the API's error `details`). */
export type CreationRefusal = { message: string; details: UserRunQuota };

/**
 * CodaLab's `check_quota(need_time=True, need_disk=True)` when any bundle is created (spec §6:
 * "creating a bundle fails if time or disk used ≥ quota"): the refusal, time first, or null.
 */
export function creationQuotaRefusal(quota: UserRunQuota): CreationRefusal | null {
  const details = { ...quota };
  if (quota.time_used >= quota.time_quota) {
    return {
      message: `time quota exceeded: ${formatDuration(quota.time_used)} of ${formatDuration(quota.time_quota)} used`,
      details,
    };
  }
  if (quota.disk_used >= quota.disk_quota) {
    return {
      message: `disk quota exceeded: ${formatSize(quota.disk_used)} of ${formatSize(quota.disk_quota)} used; delete bundles to free space`,
      details,
    };
  }
  return null;
}
