/**
 * A runner's reports about a run (`stage_reported`, `finished`) applied with what they cost the
 * run's owner (spec §6, §8.2): the time the run used since the previous report is charged in the
 * same guarded batch that records it, so each second is charged exactly once whichever report
 * (or repetition of one) brings it, and only when the worker holding the run is on the shared
 * pool (an admin's worker offered to everyone, not the owner's own). After a progress report, an
 * owner with no time or disk quota left has the run killed with CodaLab's message.
 * Every other event is applied as it is.
 */
import { type MachineEffect, type MachineEvent, quotaKillMessage, timeCharge } from "@codalab/core";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import type { BundleNews } from "../watch/bundle-news.ts";
import { type AppliedTransition, applyTransition, type ExtraStatement } from "./apply-transition.ts";

/** True when the worker is on the shared pool for this owner: its time is charged. */
const CHARGED_WORKER = `exists (select 1 from workers w join users a on a.id = w.owner_id
  where w.id = ? and w.shared_pool = 1 and a.is_admin = 1 and w.owner_id <> ?)`;

function usageTime(event: MachineEvent): number | undefined {
  if (event.type !== "stage_reported" && event.type !== "finished") return undefined;
  return event.usage?.time;
}

export async function applyRunEvent(
  db: Db,
  news: BundleNews,
  uuid: string,
  event: MachineEvent,
): Promise<AppliedTransition> {
  const time = usageTime(event);
  const applied = await applyTransition(db, news, uuid, event, {
    extra: (before, _result, guard): ExtraStatement[] => {
      const seconds = timeCharge(before.row.time, time);
      if (seconds === 0 || (event.type !== "stage_reported" && event.type !== "finished")) return [];
      const owner = before.row.ownerId;
      return [
        {
          sql: `update users set time_used = time_used + ? where id = ? and ${guard.sql} and ${CHARGED_WORKER}`,
          params: [seconds, owner, ...guard.params, event.worker_id, owner],
        },
      ];
    },
  });
  if (!applied.applied || event.type !== "stage_reported") return applied;
  const kill = await quotaKill(db, applied.before.row.ownerId, event.at);
  if (kill === null) return applied;
  const killed = await applyTransition(db, news, uuid, kill);
  if (!killed.applied) return applied;
  const effects: MachineEffect[] = [...applied.effects, ...killed.effects];
  return { ...killed, effects };
}

/** The kill for a run whose owner is out of time or disk quota, or null. */
async function quotaKill(db: Db, ownerId: string, at: number): Promise<MachineEvent | null> {
  const owner = await db.query.users.findFirst({
    columns: { timeUsed: true, timeQuota: true, diskUsed: true, diskQuota: true },
    where: eq(users.id, ownerId),
  });
  if (owner === undefined) return null;
  const message = quotaKillMessage({
    time_used: owner.timeUsed,
    time_quota: owner.timeQuota,
    disk_used: owner.diskUsed,
    disk_quota: owner.diskQuota,
  });
  return message === null ? null : { type: "kill_requested", at, message };
}
