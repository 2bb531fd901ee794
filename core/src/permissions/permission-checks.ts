/**
 * Refusals every endpoint shares, so their wording is the same everywhere: missing permission,
 * frozen objects, and what anonymous objects hide from callers without `all` (spec §6).
 */
import { type BundleState, FINAL_STATES, type PermissionLevel } from "../constants.ts";
import { CodalabError } from "../errors.ts";
import { hasPermission } from "./permission-level.ts";

export const PERMISSION_OBJECT_KINDS = ["bundle", "worksheet"] as const;
export type PermissionObjectKind = (typeof PERMISSION_OBJECT_KINDS)[number];

/** Throws 403 FORBIDDEN "you do not have read permission on bundle 0x…" unless `level` ≥ `needed`. */
export function requirePermission(
  level: PermissionLevel,
  needed: PermissionLevel,
  kind: PermissionObjectKind,
  uuid: string,
): void {
  if (hasPermission(level, needed)) return;
  const what = needed === "all" ? "all" : "read";
  throw new CodalabError("FORBIDDEN", `you do not have ${what} permission on ${kind} ${uuid}`, {
    kind,
    uuid,
    needed,
    have: level,
  });
}

/**
 * Whether the caller may see who owns an object and how it is shared: always, unless the object
 * is anonymous and the caller lacks `all` on it.
 */
export function canSeeOwnership(level: PermissionLevel, isAnonymous: boolean): boolean {
  return !isAnonymous || level === "all";
}

/** Returns `value` when the caller may see ownership details of the object, else `hidden`. */
export function maskForAnonymous<T, H>(level: PermissionLevel, isAnonymous: boolean, value: T, hidden: H): T | H {
  return canSeeOwnership(level, isAnonymous) ? value : hidden;
}

/**
 * Frozen objects refuse every change but unfreezing (spec §6). `change` says what was attempted,
 * for the message.
 */
export function requireNotFrozen(
  kind: PermissionObjectKind,
  uuid: string,
  frozen: number | null,
  change: string,
): void {
  if (frozen === null) return;
  throw new CodalabError(
    "FROZEN",
    `cannot ${change}: ${kind} ${uuid} is frozen (unfreeze it first${kind === "bundle" ? " with cl edit --unfreeze" : ""})`,
  );
}

/** Bundles can be frozen or unfrozen only in a final state (ready, failed, killed). */
export function requireFreezable(uuid: string, state: BundleState): void {
  if (FINAL_STATES.includes(state)) return;
  throw new CodalabError(
    "INVALID_STATE",
    `bundle ${uuid} is ${state}: only bundles in a final state (${FINAL_STATES.join(", ")}) can be frozen or unfrozen`,
  );
}
