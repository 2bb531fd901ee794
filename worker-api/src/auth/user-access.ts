/**
 * Access to the instance, which admins grant and remove (`cl uedit USER --grant-access` /
 * `--remove-access`, the `has_access` field). An account without it may still see who it is and
 * log out, so `cl status` and the web app can say what happened; everything else is refused.
 */
import { CodalabError } from "@codalab/core";
import type { UserRow } from "../env.ts";

const ALLOWED_WITHOUT_ACCESS = new Set(["GET /rest/user", "POST /rest/auth/logout", "GET /rest/version"]);

export function requireAccess(user: UserRow, method: string, path: string): void {
  if (user.hasAccess || ALLOWED_WITHOUT_ACCESS.has(`${method} ${path}`)) return;
  throw new CodalabError(
    "FORBIDDEN",
    `the account ${user.userName} has no access to this instance: an administrator can grant it (cl uedit ${user.userName} --grant-access)`,
  );
}
