/** Instance configuration, read once from the Worker's bindings and injected (style.md habit 7). */
import { CodalabError, type RunLimits, runLimitsFromVars } from "@codalab/core";

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
  /**
   * Server limits on run requests (`MAX_REQUEST_TIME`, `MAX_REQUEST_MEMORY`, `MAX_REQUEST_DISK`
   * in CodaLab units; unset = none, CodaLab's default): staging fails runs asking for more.
   */
  runLimits: RunLimits;
  /**
   * `cl upload <URL>` may download from localhost and private addresses (core `privateHostProblem`):
   * only for local instances and tests (`URL_UPLOADS_ALLOW_PRIVATE_HOSTS=true`).
   */
  urlUploadsAllowPrivateHosts: boolean;
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
    runLimits: readRunLimits(vars),
    urlUploadsAllowPrivateHosts: vars.URL_UPLOADS_ALLOW_PRIVATE_HOSTS === "true",
  };
}

/**
 * A malformed limit is refused loudly (every request answers 500 naming it) rather than dropped
 * silently: an operator who set a maximum relies on it. `npm run deploy` refuses such a value
 * before it gets this far.
 */
function readRunLimits(vars: Record<string, string | undefined>): RunLimits {
  try {
    return runLimitsFromVars(vars);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CodalabError("INTERNAL", `the instance is misconfigured (wrangler.toml vars): ${detail}`);
  }
}
