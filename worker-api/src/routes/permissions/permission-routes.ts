/** Setting group permissions and owners (spec §1.3: perm, wperm, chown). */
import type { App } from "../../http/app-type.ts";
import { registerChownBundles } from "./chown-bundles.ts";
import { registerSetBundlePermissions } from "./set-bundle-permissions.ts";
import { registerSetWorksheetPermission } from "./set-worksheet-permission.ts";

export const permissionRoutes: ((app: App) => void)[] = [
  registerSetBundlePermissions,
  registerChownBundles,
  registerSetWorksheetPermission,
];
