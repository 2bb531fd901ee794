/**
 * Permission levels (spec §6): `none` < `read` < `all`, written `n/none`, `r/read`, `a/all` in
 * commands and stored as 0/1/2 in the permission tables, as CodaLab stores them.
 */
import { PERMISSION_LEVELS, PERMISSION_RANK, type PermissionLevel } from "../constants.ts";
import { CodalabError } from "../errors.ts";

const SPELLINGS: Readonly<Record<string, PermissionLevel>> = {
  n: "none",
  none: "none",
  r: "read",
  read: "read",
  a: "all",
  all: "all",
};

/** `n`/`none`, `r`/`read`, `a`/`all` (any case) → the level; anything else is a clear error. */
export function parsePermission(text: string): PermissionLevel {
  const level = SPELLINGS[text.trim().toLowerCase()];
  if (level === undefined) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `invalid permission ${JSON.stringify(text)}: use n/none, r/read or a/all`,
    );
  }
  return level;
}

/** A stored rank (0, 1, 2) → the level; ranks above `all` count as `all`, below `none` as `none`. */
export function permissionFromRank(rank: number): PermissionLevel {
  if (rank >= PERMISSION_RANK.all) return "all";
  if (rank >= PERMISSION_RANK.read) return "read";
  return "none";
}

export function permissionRank(level: PermissionLevel): number {
  return PERMISSION_RANK[level];
}

/** Whether `level` grants at least `needed`. */
export function hasPermission(level: PermissionLevel, needed: PermissionLevel): boolean {
  return PERMISSION_RANK[level] >= PERMISSION_RANK[needed];
}

export function maxPermission(a: PermissionLevel, b: PermissionLevel): PermissionLevel {
  return PERMISSION_RANK[a] >= PERMISSION_RANK[b] ? a : b;
}

export function isPermissionLevel(value: unknown): value is PermissionLevel {
  return typeof value === "string" && (PERMISSION_LEVELS as readonly string[]).includes(value);
}
