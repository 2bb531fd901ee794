/**
 * `cl wedit` metadata (spec §1.2): name, title, tags, owner, frozen, anonymous, by a caller with
 * `all`. A frozen worksheet refuses every change except one that unfreezes it (which may carry
 * other changes, as for bundles). One atomic batch.
 */
import { CodalabError, type PermissionCaller, requireNotFrozen, type UpdateWorksheetRequest } from "@codalab/core";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users, worksheets } from "../db/schema.ts";
import { type BatchStatement, runBatch } from "../db/statement-batch.ts";
import { findWorksheetUuidByName, validateWorksheetName, type WorksheetOwner } from "./create-worksheet.ts";
import { requireWorksheetAccess } from "./worksheet-access.ts";

async function findUserId(db: Db, spec: string): Promise<string> {
  const row = await db.query.users.findFirst({
    columns: { id: true },
    where: sql`${users.id} = ${spec} or lower(${users.userName}) = lower(${spec})`,
  });
  if (row === undefined) throw new CodalabError("NOT_FOUND", `no user named ${JSON.stringify(spec)}`);
  return row.id;
}

export async function editWorksheet(
  db: Db,
  caller: PermissionCaller,
  editor: WorksheetOwner,
  uuid: string,
  request: UpdateWorksheetRequest,
): Promise<void> {
  const { row } = await requireWorksheetAccess(db, caller, uuid, "all");
  if (request.frozen !== false) requireNotFrozen("worksheet", uuid, row.frozen, "edit it");
  const update: Partial<typeof worksheets.$inferInsert> = {};
  if (request.name !== undefined && request.name !== row.name) {
    validateWorksheetName(request.name, editor);
    if ((await findWorksheetUuidByName(db, request.name)) !== null) {
      throw new CodalabError("ALREADY_EXISTS", `a worksheet named ${JSON.stringify(request.name)} already exists`);
    }
    update.name = request.name;
  }
  if (request.title !== undefined) update.title = request.title === "" ? null : request.title;
  if (request.owner !== undefined) update.ownerId = await findUserId(db, request.owner);
  if (request.is_anonymous !== undefined) update.isAnonymous = request.is_anonymous;
  if (request.frozen === false) update.frozen = null;
  if (request.frozen === true && row.frozen === null) update.frozen = Math.floor(Date.now() / 1000);
  const statements: BatchStatement[] = [];
  if (Object.keys(update).length > 0) {
    statements.push(
      db
        .update(worksheets)
        .set({ ...update, dateLastModified: sql`unixepoch()` })
        .where(eq(worksheets.uuid, uuid)),
    );
  }
  if (request.tags !== undefined) {
    statements.push(sql`delete from worksheet_tags where worksheet_uuid = ${uuid}`);
    const tags = [...new Set(request.tags)];
    if (tags.length > 0) {
      statements.push(sql`insert into worksheet_tags (worksheet_uuid, tag)
        select ${uuid}, value from json_each(${JSON.stringify(tags)})`);
    }
  }
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (error instanceof Error && /UNIQUE constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`)) {
      throw new CodalabError("ALREADY_EXISTS", `a worksheet named ${JSON.stringify(request.name)} already exists`);
    }
    throw error;
  }
}
