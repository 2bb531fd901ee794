/**
 * Worker tokens (`clw_…`, core/src/api/worker-tokens.ts): made by a user for one of their workers,
 * which is registered by name if it is new (so the token names a worker row, not a string that
 * could later mean another worker). Stored like every token, as a SHA-256 hash in `auth_tokens`
 * (kind `worker`, `worker_id`); they do not expire and survive password changes; revoking one is
 * final and disconnects the runner that uses it.
 */
import { CodalabError, type CreatedWorkerToken, type WorkerTokenJson } from "@codalab/core";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { authTokens, workers } from "../db/schema.ts";
import { newUuid } from "../ids.ts";
import { hashToken, newToken } from "./token-hash.ts";

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Tokens one user may hold at once (live ones): enough for a cluster, not a way to fill the table. */
export const MAX_LIVE_WORKER_TOKENS = 1000;

type TokenRow = typeof authTokens.$inferSelect;

function tokenJson(row: TokenRow, workerName: string): WorkerTokenJson {
  return {
    id: row.id,
    worker_id: row.workerId ?? "",
    worker_name: workerName,
    created_at: row.createdAt,
    revoked_at: row.revokedAt,
  };
}

/** The worker `name` of `ownerId`, registered now if the runner never connected. */
async function workerNamed(db: Db, ownerId: string, name: string) {
  await db.insert(workers).values({ id: newUuid(), ownerId, name }).onConflictDoNothing();
  const row = await db.query.workers.findFirst({ where: and(eq(workers.ownerId, ownerId), eq(workers.name, name)) });
  if (row === undefined) throw new CodalabError("INTERNAL", `worker ${name} could not be registered`);
  return row;
}

export async function createWorkerToken(db: Db, ownerId: string, workerName: string): Promise<CreatedWorkerToken> {
  const live = await db.$count(
    authTokens,
    and(eq(authTokens.userId, ownerId), eq(authTokens.kind, "worker"), isNull(authTokens.revokedAt)),
  );
  if (live >= MAX_LIVE_WORKER_TOKENS) {
    throw new CodalabError(
      "QUOTA_EXCEEDED",
      `you have ${live} live worker tokens, the most one user may hold; revoke unused ones first`,
    );
  }
  const worker = await workerNamed(db, ownerId, workerName);
  const token = newToken("worker");
  const [row] = await db
    .insert(authTokens)
    .values({ id: newUuid(), tokenHash: await hashToken(token), kind: "worker", userId: ownerId, workerId: worker.id })
    .returning();
  if (row === undefined) throw new CodalabError("INTERNAL", "the worker token was not stored");
  return { ...tokenJson(row, worker.name), token };
}

/** The user's worker tokens, newest first, revoked ones included (with when). */
export async function listWorkerTokens(db: Db, ownerId: string): Promise<WorkerTokenJson[]> {
  const rows = await db
    .select({ token: authTokens, workerName: workers.name })
    .from(authTokens)
    .leftJoin(workers, eq(workers.id, authTokens.workerId))
    .where(and(eq(authTokens.userId, ownerId), eq(authTokens.kind, "worker")))
    .orderBy(desc(authTokens.createdAt), desc(authTokens.id));
  return rows.map(({ token, workerName }) => tokenJson(token, workerName ?? ""));
}

/** Revokes the user's token `id` (again: no change); the worker it served, to be disconnected. */
export async function revokeWorkerToken(db: Db, ownerId: string, id: string): Promise<WorkerTokenJson> {
  const found = await db
    .select({ token: authTokens, workerName: workers.name })
    .from(authTokens)
    .leftJoin(workers, eq(workers.id, authTokens.workerId))
    .where(and(eq(authTokens.id, id), eq(authTokens.userId, ownerId), eq(authTokens.kind, "worker")));
  const entry = found[0];
  if (entry === undefined) {
    throw new CodalabError("NOT_FOUND", `you have no worker token ${id} (see GET /rest/workers/tokens)`, { id });
  }
  if (entry.token.revokedAt !== null) return tokenJson(entry.token, entry.workerName ?? "");
  const [row] = await db
    .update(authTokens)
    .set({ revokedAt: nowSeconds() })
    .where(and(eq(authTokens.id, id), isNull(authTokens.revokedAt)))
    .returning();
  return tokenJson(row ?? entry.token, entry.workerName ?? "");
}
