/**
 * The quotas a new account gets: what an admin set with `cl default-quotas` (one row of
 * `instance_settings`), else the deployment's vars (DEFAULT_*_QUOTA*, read into InstanceConfig).
 */
import type { DefaultQuotas } from "@codalab/core";
import { eq } from "drizzle-orm";
import type { InstanceConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { instanceSettings } from "../db/schema.ts";

const KEY = "default_quotas";
const FIELDS = ["time_quota", "disk_quota", "parallel_run_quota"] as const;

export type DefaultQuotasView = { default_quotas: DefaultQuotas; overridden: (typeof FIELDS)[number][] };

export async function readDefaultQuotas(db: Db, config: InstanceConfig): Promise<DefaultQuotasView> {
  const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, KEY)).limit(1);
  const set = (row?.value ?? {}) as Partial<DefaultQuotas>;
  return {
    default_quotas: {
      time_quota: set.time_quota ?? config.defaultQuotas.time,
      disk_quota: set.disk_quota ?? config.defaultQuotas.disk,
      parallel_run_quota: set.parallel_run_quota ?? config.defaultQuotas.parallelRuns,
    },
    overridden: FIELDS.filter((field) => set[field] !== undefined),
  };
}

/** Merges `changes` into what admins set before; accounts that exist keep their quotas. */
export async function updateDefaultQuotas(
  db: Db,
  config: InstanceConfig,
  changes: Partial<DefaultQuotas>,
  adminId: string,
): Promise<DefaultQuotasView> {
  const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, KEY)).limit(1);
  const value = { ...((row?.value ?? {}) as Partial<DefaultQuotas>), ...changes };
  const now = Math.floor(Date.now() / 1000);
  await db
    .insert(instanceSettings)
    .values({ key: KEY, value, updatedAt: now, updatedBy: adminId })
    .onConflictDoUpdate({ target: instanceSettings.key, set: { value, updatedAt: now, updatedBy: adminId } });
  return readDefaultQuotas(db, config);
}
