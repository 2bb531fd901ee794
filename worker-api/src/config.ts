/** Instance configuration, read once from the Worker's bindings and injected (style.md habit 7). */
export type InstanceConfig = {
  adminUsername: string;
  adminEmail: string;
  /** Undefined in a deployment whose secret was not set: the admin account is then not created. */
  adminPassword: string | undefined;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  cookieSessionTtl: number;
  signupEnabled: boolean;
  defaultQuotas: { time: number; disk: number; parallelRuns: number };
  /** Days of daily D1 backups kept in R2 (worker-api/src/monitoring/). */
  backupRetentionDays: number;
};

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export function readConfig(env: Env): InstanceConfig {
  const vars = env as unknown as Record<string, string | undefined>;
  return {
    adminUsername: vars.ADMIN_USERNAME || "codalab",
    adminEmail: vars.ADMIN_EMAIL || "admin@localhost",
    adminPassword: vars.ADMIN_PASSWORD || undefined,
    accessTokenTtl: positiveInt(vars.ACCESS_TOKEN_TTL_SECONDS, 3600),
    refreshTokenTtl: positiveInt(vars.REFRESH_TOKEN_TTL_SECONDS, 30 * 86400),
    cookieSessionTtl: positiveInt(vars.COOKIE_SESSION_TTL_SECONDS, 30 * 86400),
    signupEnabled: vars.SIGNUP_ENABLED !== "false",
    defaultQuotas: {
      time: positiveInt(vars.DEFAULT_TIME_QUOTA_SECONDS, 365 * 86400),
      disk: positiveInt(vars.DEFAULT_DISK_QUOTA_BYTES, 1024 ** 4),
      parallelRuns: positiveInt(vars.DEFAULT_PARALLEL_RUN_QUOTA, 3),
    },
    backupRetentionDays: positiveInt(vars.BACKUP_RETENTION_DAYS, 30),
  };
}
