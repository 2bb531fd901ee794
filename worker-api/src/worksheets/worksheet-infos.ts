/**
 * What the interpreter and source rendering know about worksheets (core `WorksheetInfo`): name,
 * title, owner and the caller's level, for many at once. Unreadable worksheets carry only their
 * uuid and `permission: "none"` (shown as `<private>`).
 */
import { canSeeOwnership, type PermissionCaller, type WorksheetInfo } from "@codalab/core";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users, worksheets } from "../db/schema.ts";
import { loadPermissions } from "../permissions/object-permissions.ts";

export async function loadWorksheetInfos(
  db: Db,
  caller: PermissionCaller,
  uuids: readonly string[],
): Promise<Map<string, WorksheetInfo>> {
  if (uuids.length === 0) return new Map();
  const rows = await db
    .select({ row: worksheets, ownerName: users.userName })
    .from(worksheets)
    .leftJoin(users, eq(users.id, worksheets.ownerId))
    .where(sql`${worksheets.uuid} in (select value from json_each(${JSON.stringify([...new Set(uuids)])}))`);
  const levels = await loadPermissions(
    db,
    caller,
    "worksheet",
    rows.map(({ row }) => row),
  );
  const infos = new Map<string, WorksheetInfo>();
  for (const { row, ownerName } of rows) {
    const permission = levels.get(row.uuid) ?? "none";
    infos.set(
      row.uuid,
      permission === "none"
        ? { uuid: row.uuid, name: null, title: null, permission }
        : {
            uuid: row.uuid,
            name: row.name,
            title: row.title,
            owner_name: canSeeOwnership(permission, row.isAnonymous) ? ownerName : null,
            permission,
          },
    );
  }
  return infos;
}
