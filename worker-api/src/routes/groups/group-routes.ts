/** Every group endpoint (spec §1.3: gls, gnew, ginfo, grm, uadd, urm). */
import type { App } from "../../http/app-type.ts";
import { registerCreateGroup } from "./create-group.ts";
import { registerDeleteGroup } from "./delete-group.ts";
import { registerGetGroup } from "./get-group.ts";
import { registerListGroups } from "./list-groups.ts";
import { registerRemoveGroupMember } from "./remove-group-member.ts";
import { registerSetGroupMember } from "./set-group-member.ts";

export const groupRoutes: ((app: App) => void)[] = [
  registerListGroups,
  registerCreateGroup,
  registerGetGroup,
  registerDeleteGroup,
  registerSetGroupMember,
  registerRemoveGroupMember,
];
