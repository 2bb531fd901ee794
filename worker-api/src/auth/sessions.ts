/**
 * Token sessions. A login creates a refresh token and an access token whose parent is it; refresh
 * rotates both (the old pair is revoked, so a stolen refresh token works at most once); logout
 * revokes the refresh token and every access token it minted. Web logins get one long-lived
 * cookie session token instead.
 */
import { CodalabError } from "@codalab/core";
import { and, eq, isNull, ne, notInArray, or } from "drizzle-orm";
import type { InstanceConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { authTokens, users } from "../db/schema.ts";
import type { UserRow } from "../env.ts";
import { newUuid } from "../ids.ts";
import { hashToken, newToken, type TokenKind } from "./token-hash.ts";

const nowSeconds = () => Math.floor(Date.now() / 1000);

export type TokenPair = { accessToken: string; refreshToken: string; expiresIn: number };

async function tokenRow(kind: TokenKind, userId: string, ttl: number, parentId: string | null) {
  const token = newToken(kind);
  const row = {
    id: newUuid(),
    tokenHash: await hashToken(token),
    kind,
    userId,
    parentId,
    expiresAt: nowSeconds() + ttl,
  } satisfies typeof authTokens.$inferInsert;
  return { token, row };
}

export async function issueTokenPair(db: Db, config: InstanceConfig, userId: string): Promise<TokenPair> {
  const refresh = await tokenRow("refresh", userId, config.refreshTokenTtl, null);
  const access = await tokenRow("access", userId, config.accessTokenTtl, refresh.row.id);
  await db.insert(authTokens).values([refresh.row, access.row]);
  return { accessToken: access.token, refreshToken: refresh.token, expiresIn: config.accessTokenTtl };
}

export async function issueCookieSession(db: Db, config: InstanceConfig, userId: string): Promise<string> {
  const session = await tokenRow("session", userId, config.cookieSessionTtl, null);
  await db.insert(authTokens).values(session.row);
  return session.token;
}

export type TokenRow = typeof authTokens.$inferSelect;

/** Finds a live token of one of the given kinds, or explains precisely why it is not usable. */
export async function findLiveToken(db: Db, token: string, kinds: readonly TokenKind[]): Promise<TokenRow> {
  const row = await db.query.authTokens.findFirst({ where: eq(authTokens.tokenHash, await hashToken(token)) });
  return requireLive(row, kinds);
}

/** `findLiveToken` with the token's user read by the same query: one round trip per request. */
export async function findLiveTokenWithUser(
  db: Db,
  token: string,
  kinds: readonly TokenKind[],
): Promise<{ row: TokenRow; user: UserRow | null }> {
  const [found] = await db
    .select({ token: authTokens, user: users })
    .from(authTokens)
    .leftJoin(users, eq(users.id, authTokens.userId))
    .where(eq(authTokens.tokenHash, await hashToken(token)))
    .limit(1);
  return { row: requireLive(found?.token, kinds), user: found?.user ?? null };
}

function requireLive(row: TokenRow | undefined, kinds: readonly TokenKind[]): TokenRow {
  if (!row || !kinds.includes(row.kind)) {
    throw new CodalabError("UNAUTHENTICATED", "the token is not valid: log in again");
  }
  if (row.revokedAt !== null) throw new CodalabError("TOKEN_REVOKED", "the token was revoked: log in again");
  if (row.expiresAt !== null && row.expiresAt <= nowSeconds()) {
    throw new CodalabError("TOKEN_EXPIRED", "the token has expired");
  }
  return row;
}

/** Revokes a token and every token it minted. */
export async function revokeTokenTree(db: Db, tokenId: string): Promise<void> {
  await db
    .update(authTokens)
    .set({ revokedAt: nowSeconds() })
    .where(and(or(eq(authTokens.id, tokenId), eq(authTokens.parentId, tokenId)), isNull(authTokens.revokedAt)));
}

export async function rotateRefreshToken(
  db: Db,
  config: InstanceConfig,
  refreshToken: string,
): Promise<TokenPair & { user: UserRow }> {
  const row = await findLiveToken(db, refreshToken, ["refresh"]);
  const user = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
  if (!user?.isActive) throw new CodalabError("TOKEN_REVOKED", "this account is no longer active");
  await revokeTokenTree(db, row.id);
  return { ...(await issueTokenPair(db, config, row.userId)), user };
}

/** Revokes every session of a user except, optionally, the one in use (after a password change). */
export async function revokeAllSessions(db: Db, userId: string, keep?: TokenRow): Promise<void> {
  const kept = keep ? [keep.id, ...(keep.parentId ? [keep.parentId] : [])] : [];
  await db
    .update(authTokens)
    .set({ revokedAt: nowSeconds() })
    .where(
      and(
        eq(authTokens.userId, userId),
        isNull(authTokens.revokedAt),
        ne(authTokens.kind, "worker"),
        kept.length > 0 ? notInArray(authTokens.id, kept) : undefined,
        kept.length > 0 ? or(isNull(authTokens.parentId), notInArray(authTokens.parentId, kept)) : undefined,
      ),
    );
}
