/**
 * Creating worksheets (spec §1.2 `cl new`, §4.2): CodaLab's name rule, names unique across the
 * instance, `home-<user>` reserved for that user, readable by `public` from the start. The home
 * worksheet is created on first use, by whichever request needs it first.
 */
import { CodalabError, homeWorksheetName, isHomeWorksheetName, validateName } from "@codalab/core";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { groupWorksheetPermissions, worksheets } from "../db/schema.ts";
import { runBatch } from "../db/statement-batch.ts";
import { newUuid, PUBLIC_GROUP_UUID } from "../ids.ts";

const READ = 1;

export type WorksheetOwner = { id: string; userName: string };

function nameTaken(name: string): CodalabError {
  return new CodalabError(
    "ALREADY_EXISTS",
    `a worksheet named ${JSON.stringify(name)} already exists: worksheet names are unique on an instance`,
    { name },
  );
}

/** Refuses names that break the rule or are someone else's home worksheet name. */
export function validateWorksheetName(name: string, owner: WorksheetOwner): void {
  validateName(name, "worksheet name");
  if (isHomeWorksheetName(name) && name !== homeWorksheetName(owner.userName)) {
    throw new CodalabError(
      "INVALID_NAME",
      `names starting with "home-" are reserved for home worksheets; yours is ${homeWorksheetName(owner.userName)}`,
    );
  }
}

export async function findWorksheetUuidByName(db: Db, name: string): Promise<string | null> {
  const row = await db.query.worksheets.findFirst({ columns: { uuid: true }, where: eq(worksheets.name, name) });
  return row?.uuid ?? null;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`);
}

/** Inserts the worksheet and its public read row in one batch; 409 when the name is taken. */
export async function createWorksheet(
  db: Db,
  owner: WorksheetOwner,
  fields: { name: string; title?: string | null },
): Promise<string> {
  validateWorksheetName(fields.name, owner);
  if ((await findWorksheetUuidByName(db, fields.name)) !== null) throw nameTaken(fields.name);
  const uuid = newUuid();
  try {
    await runBatch(db, [
      db.insert(worksheets).values({ uuid, name: fields.name, ownerId: owner.id, title: fields.title ?? null }),
      db
        .insert(groupWorksheetPermissions)
        .values({ groupUuid: PUBLIC_GROUP_UUID, worksheetUuid: uuid, permission: READ }),
    ]);
  } catch (error) {
    // Two requests racing for the same name: the unique index decides.
    if (isUniqueViolation(error)) throw nameTaken(fields.name);
    throw error;
  }
  return uuid;
}

/** The user's `home-<user>` worksheet, created on first use (concurrent first uses agree on one). */
export async function ensureHomeWorksheet(db: Db, owner: WorksheetOwner): Promise<string> {
  const name = homeWorksheetName(owner.userName);
  const existing = await findWorksheetUuidByName(db, name);
  if (existing !== null) return existing;
  try {
    return await createWorksheet(db, owner, { name });
  } catch (error) {
    if (!(error instanceof CodalabError && error.code === "ALREADY_EXISTS")) throw error;
    const raced = await findWorksheetUuidByName(db, name);
    if (raced === null) throw error;
    return raced;
  }
}
