import type { PermissionLevel } from "@codalab/core/constants";
import { parsePermission } from "@codalab/core/permissions/permission-level";
import { CodalabError } from "../core-light.ts";
import { usageError } from "../errors/cli-error.ts";

/**
 * The permission argument of `cl perm` / `cl wperm`, checked before any request with the same
 * function the server uses; a bad one is a usage error (exit 2).
 */
export function permissionArg(text: string, example: string): PermissionLevel {
  try {
    return parsePermission(text);
  } catch (error) {
    if (error instanceof CodalabError) throw usageError(error.message, `for example: ${example}`);
    throw error;
  }
}
