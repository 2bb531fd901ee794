/** Names and ages of the daily backups the scheduled handler writes to R2. */

export const BACKUP_PREFIX = "backups/d1/";

/** `YYYY-MM-DD` of a moment, in UTC: one backup and one report per UTC day. */
export function utcDay(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function backupKey(day: string): string {
  return `${BACKUP_PREFIX}${day}.sql.gz`;
}

/**
 * Backup keys older than `retentionDays` days before `today` (the day itself counts as day 0):
 * with 30, the backups of the last 30 days stay. Keys not named by `backupKey` are never touched.
 */
export function expiredBackups(keys: readonly string[], today: string, retentionDays: number): string[] {
  const cutoff = utcDay(Date.parse(`${today}T00:00:00Z`) - (retentionDays - 1) * 86_400_000);
  return keys.filter((key) => {
    const day = /^backups\/d1\/(\d{4}-\d{2}-\d{2})\.sql\.gz$/.exec(key)?.[1];
    return day !== undefined && day < cutoff;
  });
}
