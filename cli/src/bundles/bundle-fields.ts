/**
 * Non-file genpaths of a bundle (`uuid`, `name`, `summary`, `owner`, `dependencies`, any metadata
 * key): core's interpreter over the bundle as the server sent it, so `cl info -f` and `cl search
 * -f` agree with worksheet tables.
 */
import type { BundleInfo } from "@codalab/core/worksheet/data-access";
import { interpretGenpath } from "@codalab/core/worksheet/genpath";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { WireBundle } from "../api/bundle-wire.ts";
import { metadataOf } from "./info-lines.ts";

export function asBundleInfo(bundle: WireBundle): BundleInfo {
  const info: BundleInfo = {
    uuid: bundle.uuid,
    bundle_type: bundle.bundle_type,
    state: bundle.state,
    command: bundle.command,
    owner_id: bundle.owner_id,
    owner_name: bundle.owner_name,
    is_anonymous: bundle.is_anonymous,
    frozen: typeof bundle.frozen === "number" ? bundle.frozen : null,
    metadata: metadataOf(bundle),
    dependencies: bundle.dependencies,
    permission: bundle.permission ?? "read",
    state_details: bundle.state_details,
  };
  if (bundle.group_permissions) info.group_permissions = bundle.group_permissions;
  if (bundle.host_worksheets) {
    info.host_worksheets = bundle.host_worksheets.map((worksheet) => ({
      uuid: worksheet.uuid,
      name: worksheet.name ?? "",
    }));
  }
  return info;
}

export function bundleField(bundle: WireBundle, genpath: string): JsonValue {
  return interpretGenpath(asBundleInfo(bundle), genpath);
}
