/**
 * Core's `BundleSpecResolver` (and the `WorksheetSpecResolver` behind `ws//bundle`) over D1, for
 * one caller: every lookup only sees bundles and worksheets the caller may read, so a spec can
 * never resolve to (or reveal by ambiguity) something private.
 */
import {
  type BundleSpecResolver,
  CodalabError,
  type NameMatch,
  type PermissionCaller,
  resolveWorksheetRef,
  type WorksheetRef,
  type WorksheetSpecResolver,
} from "@codalab/core";
import { and, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bundles, worksheetItems, worksheets } from "../db/schema.ts";
import { readableBundleCondition, readableWorksheetCondition } from "../permissions/readable-sql.ts";
import { ensureHomeWorksheet } from "../worksheets/create-worksheet.ts";

/** Every uuid starting with `prefix` sorts in [prefix, prefix + "g"): the digits after it are hex. */
function prefixRange(column: typeof bundles.uuid | typeof worksheets.uuid, prefix: string): SQL | undefined {
  return and(gte(column, prefix), lt(column, `${prefix}g`));
}

function nameCondition(match: NameMatch): SQL {
  return match.isPattern ? like(bundles.name, match.pattern) : eq(bundles.name, match.pattern);
}

function withReadable(condition: SQL | undefined, readable: SQL | null): SQL | undefined {
  return readable === null ? condition : and(condition, readable);
}

export function worksheetSpecResolver(
  db: Db,
  caller: PermissionCaller,
  userName: string | null,
): WorksheetSpecResolver {
  const readable = readableWorksheetCondition(caller);
  const findByName = async (name: string): Promise<string | null> => {
    const [row] = await db
      .select({ uuid: worksheets.uuid })
      .from(worksheets)
      .where(withReadable(eq(worksheets.name, name), readable))
      .limit(1);
    return row?.uuid ?? null;
  };
  return {
    async homeWorksheetUuid() {
      if (userName === null || caller.kind !== "user") {
        throw new CodalabError("UNAUTHENTICATED", "log in to use your home worksheet");
      }
      return ensureHomeWorksheet(db, { id: caller.userId, userName });
    },
    async findWorksheetsByUuidPrefix(prefix, limit) {
      const rows = await db
        .select({ uuid: worksheets.uuid })
        .from(worksheets)
        .where(withReadable(prefixRange(worksheets.uuid, prefix), readable))
        .limit(limit);
      return rows.map((row) => row.uuid);
    },
    findWorksheetByName: findByName,
  };
}

export function bundleSpecResolver(db: Db, caller: PermissionCaller, userName: string | null): BundleSpecResolver {
  const readable = readableBundleCondition(caller);
  const worksheetResolver = worksheetSpecResolver(db, caller, userName);
  return {
    resolveWorksheet(ref: WorksheetRef) {
      return resolveWorksheetRef(ref, worksheetResolver);
    },
    async findBundlesByUuidPrefix(prefix, limit) {
      const rows = await db
        .select({ uuid: bundles.uuid })
        .from(bundles)
        .where(withReadable(prefixRange(bundles.uuid, prefix), readable))
        .limit(limit);
      return rows.map((row) => row.uuid);
    },
    async findBundlesByName(match, { worksheetUuid, limit }) {
      if (worksheetUuid === null) {
        const rows = await db
          .select({ uuid: bundles.uuid })
          .from(bundles)
          .where(withReadable(nameCondition(match), readable))
          .orderBy(desc(bundles.id))
          .limit(limit);
        return rows.map((row) => row.uuid);
      }
      const rows = await db
        .select({ uuid: bundles.uuid })
        .from(worksheetItems)
        .innerJoin(bundles, eq(bundles.uuid, worksheetItems.bundleUuid))
        .where(withReadable(and(eq(worksheetItems.worksheetUuid, worksheetUuid), nameCondition(match)), readable))
        .orderBy(desc(worksheetItems.sortKey), desc(worksheetItems.id))
        .limit(limit);
      return rows.map((row) => row.uuid);
    },
    async listWorksheetBundles(worksheetUuid, limit) {
      const rows = await db
        .select({ uuid: bundles.uuid })
        .from(worksheetItems)
        .innerJoin(bundles, eq(bundles.uuid, worksheetItems.bundleUuid))
        .where(withReadable(eq(worksheetItems.worksheetUuid, worksheetUuid), readable))
        .orderBy(desc(worksheetItems.sortKey), desc(worksheetItems.id))
        .limit(limit);
      return rows.map((row) => row.uuid);
    },
  };
}
