/**
 * Disk quota (spec §6): `users.disk_used` is the sum of `data_size` over the user's bundles whose
 * contents exist (`is_dir` not null). Charged exactly when an upload completes, given back
 * exactly when contents are deleted.
 */
import { CodalabError, formatSize } from "@codalab/core";
import type { UserRow } from "../env.ts";

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
