/**
 * `cl rm` (spec §1.1): CodaLab's refusal rules, then one atomic D1 batch and the R2 deletions.
 * Refused: bundles others depend on (unless force, or recursive which deletes the descendants
 * too), bundles without `all`, active bundles, frozen bundles, bundles on a frozen worksheet, and
 * bundles on more than one worksheet (unless force). `data_only` keeps the metadata and drops the
 * contents; `dry_run` only lists what would go. The owners' `disk_used` gives back exactly the
 * `data_size` of every deleted content.
 */
import {
  ACTIVE_STATES,
  CodalabError,
  type DeleteBundlesRequest,
  MAX_DELETE_UUIDS,
  type PermissionCaller,
} from "@codalab/core";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { chunked, queryInChunks } from "../db/chunked.ts";
import type { Db } from "../db/client.ts";
import { bundleDependencies, bundleUploads, worksheetItems, worksheets } from "../db/schema.ts";
import { runBatch } from "../db/statement-batch.ts";
import type { BundleStore } from "../storage/bundle-store.ts";
import { forgetBundleTree } from "../storage/index-cache.ts";
import { abortStoredUpload } from "../storage/resumable-upload.ts";
import { type BundleAccess, bundleNotFound, fetchBundleRows, requireBundles } from "./bundle-access.ts";

/** Uuids per statement: the quota statement binds its list twice, under D1's 100 parameters. */
const DELETE_CHUNK = 45;
const SHOWN = 10;

function listed(uuids: readonly string[]): string {
  const shown = uuids.slice(0, SHOWN).join(", ");
  return uuids.length > SHOWN ? `${shown} and ${uuids.length - SHOWN} more` : shown;
}

async function childrenOf(db: Db, parents: readonly string[]): Promise<{ parent: string; child: string }[]> {
  return queryInChunks(parents, (chunk) =>
    db
      .selectDistinct({ parent: bundleDependencies.parentUuid, child: bundleDependencies.childUuid })
      .from(bundleDependencies)
      .where(inArray(bundleDependencies.parentUuid, chunk)),
  );
}

/** Every bundle downstream of `roots` (not the roots themselves), breadth first. */
async function descendantsOf(db: Db, roots: readonly string[]): Promise<string[]> {
  const seen = new Set(roots);
  const found: string[] = [];
  let frontier = [...roots];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const { child } of await childrenOf(db, frontier)) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      next.push(child);
    }
    if (roots.length + found.length > MAX_DELETE_UUIDS) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `deleting these bundles recursively would delete more than ${MAX_DELETE_UUIDS}; delete their descendants in smaller steps`,
      );
    }
    frontier = next;
  }
  return found;
}

async function checkHostWorksheets(db: Db, uuids: readonly string[], force: boolean): Promise<void> {
  const rows = await queryInChunks(uuids, (chunk) =>
    db
      .selectDistinct({
        bundle: worksheetItems.bundleUuid,
        uuid: worksheets.uuid,
        name: worksheets.name,
        frozen: worksheets.frozen,
      })
      .from(worksheetItems)
      .innerJoin(worksheets, eq(worksheets.uuid, worksheetItems.worksheetUuid))
      .where(and(inArray(worksheetItems.bundleUuid, chunk), eq(worksheetItems.type, "bundle"))),
  );
  const byBundle = new Map<string, { uuid: string; name: string; frozen: number | null }[]>();
  for (const row of rows) {
    if (row.bundle === null) continue;
    const list = byBundle.get(row.bundle) ?? [];
    list.push(row);
    byBundle.set(row.bundle, list);
  }
  for (const [bundle, hosts] of byBundle) {
    const frozen = hosts.filter((host) => host.frozen !== null);
    if (frozen.length > 0) {
      throw new CodalabError(
        "FROZEN",
        `cannot delete bundle ${bundle}: it appears on frozen worksheet(s) ${frozen.map((host) => host.name).join(", ")} (delete or unfreeze the worksheet first)`,
      );
    }
    if (!force && hosts.length > 1) {
      throw new CodalabError(
        "CONFLICT",
        `cannot delete bundle ${bundle}: it appears on several worksheets (${hosts.map((host) => host.name).join(", ")}); use --force to delete it anyway`,
      );
    }
  }
}

function refuseUnlessDeletable(accesses: readonly BundleAccess[]): void {
  const active = accesses.filter((access) => ACTIVE_STATES.includes(access.row.state)).map((access) => access.row.uuid);
  if (active.length > 0) {
    throw new CodalabError(
      "INVALID_STATE",
      `cannot delete bundles that are still active: ${listed(active)}; kill runs first (bundles stuck in an active state are eventually moved to a state where they can be deleted)`,
    );
  }
  const frozen = accesses.filter((access) => access.row.frozen !== null).map((access) => access.row.uuid);
  if (frozen.length > 0) {
    throw new CodalabError("FROZEN", `cannot delete frozen bundles: ${listed(frozen)}; unfreeze them first`);
  }
}

function deleteStatements(uuids: readonly string[], dataOnly: boolean): SQL[] {
  const statements: SQL[] = [];
  for (const chunk of chunked(uuids, DELETE_CHUNK)) {
    const list = sql.join(
      chunk.map((uuid) => sql`${uuid}`),
      sql`, `,
    );
    // Only contents that exist (is_dir not null) were charged to their owner.
    statements.push(sql`update users set disk_used = max(0, disk_used - coalesce((
        select sum(b.data_size) from bundles b
        where b.owner_id = users.id and b.uuid in (${list}) and b.is_dir is not null and b.data_size is not null), 0))
      where id in (select owner_id from bundles where uuid in (${list}))`);
    if (dataOnly) {
      statements.push(sql`update bundles set is_dir = null where uuid in (${list})`);
      statements.push(sql`delete from bundle_uploads where bundle_uuid in (${list})`);
      continue;
    }
    statements.push(
      sql`delete from group_bundle_permissions where bundle_uuid in (${list})`,
      sql`delete from bundle_dependencies where child_uuid in (${list})`,
      sql`update worksheets set version = version + 1, date_last_modified = unixepoch()
        where uuid in (select worksheet_uuid from worksheet_items where bundle_uuid in (${list}))`,
      sql`delete from worksheet_items where bundle_uuid in (${list})`,
      sql`delete from bundle_uploads where bundle_uuid in (${list})`,
      sql`delete from bundles where uuid in (${list})`,
    );
  }
  return statements;
}

export async function deleteBundles(
  db: Db,
  store: BundleStore,
  caller: PermissionCaller,
  request: DeleteBundlesRequest,
): Promise<string[]> {
  const requested = [...new Set(request.uuids)];
  const rows = await fetchBundleRows(db, requested);
  for (const uuid of requested) if (!rows.has(uuid)) throw bundleNotFound(uuid);

  let relevant = requested;
  if (request.recursive) {
    relevant = [...requested, ...(await descendantsOf(db, requested))];
  } else if (!request.force) {
    const asked = new Set(requested);
    const dependents = [...new Set((await childrenOf(db, requested)).map((edge) => edge.child))].filter(
      (child) => !asked.has(child),
    );
    if (dependents.length > 0) {
      throw new CodalabError(
        "CONFLICT",
        `cannot delete ${listed(requested)}: these bundles depend on it: ${listed(dependents)}; use --recursive to delete them too, or --force to delete anyway`,
        { dependents: dependents.slice(0, 100) },
      );
    }
  }

  const accesses = await requireBundles(db, caller, relevant, "all");
  refuseUnlessDeletable(accesses);
  await checkHostWorksheets(db, relevant, request.force);
  if (request.dry_run) return relevant;

  const uploads = await queryInChunks(relevant, (chunk) =>
    db.select().from(bundleUploads).where(inArray(bundleUploads.bundleUuid, chunk)),
  );
  await runBatch(db, deleteStatements(relevant, request.data_only));
  // D1 no longer points at these contents; removing them from R2 may now take its time.
  for (const upload of uploads) await abortStoredUpload(store, upload);
  await Promise.all(relevant.map((uuid) => store.deleteContents(uuid)));
  for (const uuid of relevant) forgetBundleTree(uuid);
  return relevant;
}
