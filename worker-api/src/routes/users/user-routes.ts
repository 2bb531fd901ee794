/** Other users' accounts (spec §1.4: uinfo, uls, uedit, ufarewell); `/rest/user` is the caller's own. */
import type { App } from "../../http/app-type.ts";
import { registerDeleteUser } from "./delete-user.ts";
import { registerGetUserBySpec } from "./get-user-by-spec.ts";
import { registerSearchUsers } from "./search-users.ts";
import { registerUpdateUser } from "./update-user.ts";

export const userRoutes: ((app: App) => void)[] = [
  registerSearchUsers,
  registerGetUserBySpec,
  registerUpdateUser,
  registerDeleteUser,
];
