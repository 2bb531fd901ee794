import type { SelfUser } from "@codalab/core";
import type { UserRow } from "../../env.ts";

/** A user's own view of their account. */
export function serializeSelfUser(user: UserRow): SelfUser {
  return {
    id: user.id,
    user_name: user.userName,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    affiliation: user.affiliation,
    url: user.url,
    is_admin: user.isAdmin,
    date_joined: user.dateJoined,
    last_login: user.lastLogin,
    time_quota: user.timeQuota,
    time_used: user.timeUsed,
    disk_quota: user.diskQuota,
    disk_used: user.diskUsed,
    parallel_run_quota: user.parallelRunQuota,
  };
}
