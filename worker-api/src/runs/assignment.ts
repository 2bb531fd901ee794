/**
 * The `assign` command for a run the scheduler placed: built from the bundle row at delivery time
 * (requirements resolved again with the owner's quotas as they are now, spec §8.5 step 3) and
 * queued on the worker's session, which pushes it over the socket at once.
 */
import { type AssignedRun, AssignedRunSchema, type CommandInput } from "@codalab/core";
import type { DeliveryOutcome } from "@codalab/durable-objects";
import { eq, inArray } from "drizzle-orm";
import { queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundles } from "../db/schema.ts";
import { loadOwner, requirementsOf } from "./run-owner.ts";
import { dependenciesOf } from "./staging.ts";

export type CommandSender = (
  workerId: string,
  command: CommandInput,
) => Promise<{ ok: true } | { ok: false; reason: string }>;

export async function buildAssignedRun(db: Db, uuid: string): Promise<AssignedRun | { refusal: string } | null> {
  const row = await db.query.bundles.findFirst({ where: eq(bundles.uuid, uuid) });
  // Killed or deleted since it was placed: the scheduler hears of that separately.
  if (row === undefined || row.state !== "starting") return null;
  const owner = await loadOwner(db, row.ownerId);
  if (owner === null) return { refusal: "the bundle's owner no longer exists" };
  const resolved = requirementsOf(row, owner);
  if (!resolved.ok) return { refusal: resolved.failure_message };
  const deps = await dependenciesOf(db, uuid);
  const parents = await queryInChunks(
    deps.map((dep) => dep.parentUuid),
    (chunk) => db.select({ uuid: bundles.uuid, name: bundles.name }).from(bundles).where(inArray(bundles.uuid, chunk)),
  );
  const names = new Map(parents.map((parent) => [parent.uuid, parent.name]));
  const { docker_image, time, memory, disk, cpus, gpus, network } = resolved.requirements;
  const parsed = AssignedRunSchema.safeParse({
    uuid,
    command: row.command ?? "",
    owner_id: row.ownerId,
    dependencies: deps.map((dep) => {
      const name = names.get(dep.parentUuid);
      return {
        child_path: dep.childPath,
        parent_uuid: dep.parentUuid,
        parent_path: dep.parentPath,
        ...(name === undefined ? {} : { parent_name: name }),
      };
    }),
    requirements: { docker_image, time, memory: Math.round(memory), disk: Math.round(disk), cpus, gpus, network },
    exclude_patterns: row.excludePatterns ?? [],
  });
  if (!parsed.success)
    return { refusal: `the run cannot be sent to a worker: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  return parsed.data;
}

export async function deliverAssignment(
  db: Db,
  uuid: string,
  workerId: string,
  send: CommandSender,
): Promise<DeliveryOutcome> {
  const run = await buildAssignedRun(db, uuid);
  if (run === null) return { ok: true };
  if ("refusal" in run) return { ok: false, reason: run.refusal, fatal: true };
  const sent = await send(workerId, { type: "assign", run });
  return sent.ok ? { ok: true } : { ok: false, reason: sent.reason, fatal: false };
}
