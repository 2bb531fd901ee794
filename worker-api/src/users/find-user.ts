/** A user spec (`cl uinfo alice`, `cl uadd 0x… team`): an id, or a user name in any case. */
import { CodalabError } from "@codalab/core";
import { eq, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import type { UserRow } from "../env.ts";

export async function findUserBySpec(db: Db, spec: string): Promise<UserRow> {
  const text = spec.trim();
  const [row] = await db
    .select()
    .from(users)
    .where(or(eq(users.id, text), sql`lower(${users.userName}) = ${text.toLowerCase()}`))
    .limit(1);
  if (row === undefined) {
    throw new CodalabError("NOT_FOUND", `no user matches ${JSON.stringify(spec)}`, { kind: "user", spec });
  }
  return row;
}
