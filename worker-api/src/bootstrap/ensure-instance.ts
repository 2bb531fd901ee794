/**
 * First-start set-up, idempotent: the `public` group and the admin account from configuration.
 * Runs once per isolate (the promise is cached) and costs two `INSERT OR IGNORE`s.
 */
import { PUBLIC_GROUP_NAME } from "@codalab/core";
import { hashPassword } from "../auth/password.ts";
import type { InstanceConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { groups, users } from "../db/schema.ts";
import { newUuid, PUBLIC_GROUP_UUID } from "../ids.ts";

let ready: Promise<void> | undefined;

export function ensureInstance(db: Db, config: InstanceConfig): Promise<void> {
  ready ??= bootstrap(db, config).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function bootstrap(db: Db, config: InstanceConfig): Promise<void> {
  await db
    .insert(groups)
    .values({ uuid: PUBLIC_GROUP_UUID, name: PUBLIC_GROUP_NAME, ownerId: null, userDefined: false })
    .onConflictDoNothing();
  if (!config.adminPassword) {
    console.warn(
      "ADMIN_PASSWORD is not set: no admin account is created (set it with `wrangler secret put ADMIN_PASSWORD`)",
    );
    return;
  }
  const existing = await db.query.users.findFirst({ columns: { id: true }, where: (u, { eq }) => eq(u.isAdmin, true) });
  if (existing) return;
  await db
    .insert(users)
    .values({
      id: newUuid(),
      userName: config.adminUsername,
      email: config.adminEmail,
      passwordHash: await hashPassword(config.adminPassword),
      isAdmin: true,
      timeQuota: config.defaultQuotas.time,
      diskQuota: config.defaultQuotas.disk,
      parallelRunQuota: config.defaultQuotas.parallelRuns,
    })
    .onConflictDoNothing();
}
