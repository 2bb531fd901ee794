/** A user row → the user JSON for one caller: private fields only for the user and admins. */
import { canSeePrivateUserFields, type PermissionCaller, type UserJson } from "@codalab/core";
import type { UserRow } from "../env.ts";

export function serializeUserJson(caller: PermissionCaller, user: UserRow): UserJson {
  const json: UserJson = {
    id: user.id,
    user_name: user.userName,
    first_name: user.firstName,
    last_name: user.lastName,
    affiliation: user.affiliation,
    url: user.url,
    date_joined: user.dateJoined,
  };
  if (!canSeePrivateUserFields(caller, user.id)) return json;
  return {
    ...json,
    email: user.email,
    is_admin: user.isAdmin,
    is_verified: user.isVerified,
    has_access: user.hasAccess,
    last_login: user.lastLogin,
    time_quota: user.timeQuota,
    time_used: user.timeUsed,
    disk_quota: user.diskQuota,
    disk_used: user.diskUsed,
    parallel_run_quota: user.parallelRunQuota,
  };
}
