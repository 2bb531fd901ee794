/**
 * Disk quota (spec §6): `users.disk_used` is the sum of `data_size` over the user's bundles whose
 * contents exist (`is_dir` not null). Charged exactly when an upload completes, given back
 * exactly when contents are deleted. Creating any bundle also needs time quota left.
 */
import { CodalabError, creationQuotaRefusal, formatSize } from "@codalab/core";
import type { UserRow } from "../env.ts";

/**
 * CodaLab refuses to create a bundle of any type once the owner's time or disk used reaches the
 * quota (`check_quota(need_time=True, need_disk=True)`): 403 QUOTA_EXCEEDED with the numbers.
 */
export function requireQuotaLeft(user: Pick<UserRow, "timeUsed" | "timeQuota" | "diskUsed" | "diskQuota">): void {
  const refusal = creationQuotaRefusal({
    time_used: user.timeUsed,
    time_quota: user.timeQuota,
    disk_used: user.diskUsed,
    disk_quota: user.diskQuota,
  });
  if (refusal !== null) throw new CodalabError("QUOTA_EXCEEDED", refusal.message, refusal.details);
}

/** CodaLab refuses to create bundles or start uploads once the disk quota is used up. */
export function requireDiskLeft(user: Pick<UserRow, "diskUsed" | "diskQuota">, adding = 0): void {
  if (user.diskUsed < user.diskQuota && user.diskUsed + adding <= user.diskQuota) return;
  throw quotaExceeded(user.diskUsed, user.diskQuota, adding);
}

export function quotaExceeded(used: number, quota: number, adding: number): CodalabError {
  const needs = adding > 0 ? `${formatSize(adding)} more would not fit: ` : "";
  return new CodalabError(
    "QUOTA_EXCEEDED",
    `disk quota exceeded: ${needs}${formatSize(used)} of ${formatSize(quota)} used; delete bundles to free space`,
    { disk_used: used, disk_quota: quota, requested: adding },
  );
}
