/**
 * Statistics of the instance for the daily report: bundles, users, workers, the run queue and the
 * database's size. One D1 batch of aggregate queries (indexed columns; no table is loaded), so it
 * costs the same at a thousand bundles as at a million rows scanned by SQLite itself.
 */
import { D1_DATABASE_LIMIT_BYTES, type InstanceStatistics } from "@codalab/core";

const DAY = 86_400;
const WAITING = ["created", "staged"];
const ACTIVE = ["making", "starting", "preparing", "running", "finalizing"];
const inList = (states: readonly string[]) => states.map((state) => `'${state}'`).join(",");

type BundleGroup = { state: string; bundle_type: string; n: number; bytes: number; recent: number };
type UserCounts = { total: number; active: number; joined: number; day: number; month: number };
type WorkerCounts = { registered: number; connected: number; cpus: number; gpus: number; memory: number };
type Oldest = { oldest: number | null };

export async function collectStatistics(db: D1Database, now: Date): Promise<InstanceStatistics> {
  const seconds = Math.floor(now.getTime() / 1000);
  const [bundles, users, workers, oldest] = await db.batch([
    db
      .prepare(
        `SELECT state, bundle_type, count(*) AS n, coalesce(sum(data_size), 0) AS bytes,
                coalesce(sum(created >= ?1), 0) AS recent
         FROM bundles GROUP BY state, bundle_type`,
      )
      .bind(seconds - DAY),
    db
      .prepare(
        `SELECT count(*) AS total, coalesce(sum(is_active), 0) AS active,
                coalesce(sum(date_joined >= ?1), 0) AS joined,
                coalesce(sum(last_login >= ?1), 0) AS day, coalesce(sum(last_login >= ?2), 0) AS month
         FROM users`,
      )
      .bind(seconds - DAY, seconds - 30 * DAY),
    db.prepare(
      `SELECT count(*) AS registered, coalesce(sum(connected), 0) AS connected,
              coalesce(sum(CASE WHEN connected THEN cpus ELSE 0 END), 0) AS cpus,
              coalesce(sum(CASE WHEN connected THEN gpus ELSE 0 END), 0) AS gpus,
              coalesce(sum(CASE WHEN connected THEN memory_bytes ELSE 0 END), 0) AS memory
       FROM workers`,
    ),
    db.prepare(`SELECT min(created) AS oldest FROM bundles WHERE state IN (${inList(WAITING)})`),
  ]);
  const groups = (bundles?.results ?? []) as BundleGroup[];
  const userRow = (users?.results[0] ?? {}) as Partial<UserCounts>;
  const workerRow = (workers?.results[0] ?? {}) as Partial<WorkerCounts>;
  const oldestCreated = ((oldest?.results[0] ?? {}) as Partial<Oldest>).oldest ?? null;

  const byState: Record<string, number> = {};
  const byType: Record<string, number> = {};
  let total = 0;
  let dataSize = 0;
  let recent = 0;
  for (const group of groups) {
    byState[group.state] = (byState[group.state] ?? 0) + group.n;
    byType[group.bundle_type] = (byType[group.bundle_type] ?? 0) + group.n;
    total += group.n;
    dataSize += group.bytes;
    recent += group.recent;
  }
  const sumOf = (states: readonly string[]) => states.reduce((sum, state) => sum + (byState[state] ?? 0), 0);
  return {
    bundles: { total, by_state: byState, by_type: byType, created_last_day: recent, data_size_bytes: dataSize },
    users: {
      total: userRow.total ?? 0,
      active: userRow.active ?? 0,
      joined_last_day: userRow.joined ?? 0,
      logged_in_last_day: userRow.day ?? 0,
      logged_in_last_30_days: userRow.month ?? 0,
    },
    workers: {
      registered: workerRow.registered ?? 0,
      connected: workerRow.connected ?? 0,
      cpus: workerRow.cpus ?? 0,
      gpus: workerRow.gpus ?? 0,
      memory_bytes: workerRow.memory ?? 0,
    },
    queue: {
      waiting: sumOf(WAITING),
      active: sumOf(ACTIVE),
      worker_offline: byState.worker_offline ?? 0,
      oldest_waiting_seconds: oldestCreated === null ? null : Math.max(0, seconds - oldestCreated),
    },
    // Every D1 result reports the database's size after the query.
    database: { size_bytes: oldest?.meta.size_after ?? 0, limit_bytes: D1_DATABASE_LIMIT_BYTES },
  };
}
