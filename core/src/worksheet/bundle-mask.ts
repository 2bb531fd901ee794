/**
 * What a caller sees of bundles and worksheets it cannot read (spec §5.7 rule 7): the uuid and a
 * `<private>` name, nothing else. The server already restricts answers; masking again here means
 * a data-access mistake cannot leak a private bundle's metadata into a rendered worksheet.
 */
import type { BlockBundleInfo, BundleInfo, MaskedBundleInfo, WorksheetInfo } from "./data-access.ts";

export function privateBundle(uuid: string): MaskedBundleInfo {
  return { uuid, bundle_type: "private", metadata: { name: "<private>" } };
}

export function invalidBundle(uuid: string): MaskedBundleInfo {
  return { uuid, bundle_type: "invalid", metadata: { name: "<invalid>" } };
}

export function maskBundleInfo(info: BundleInfo): BlockBundleInfo {
  return info.permission === "none" ? privateBundle(info.uuid) : info;
}

/** A looked-up bundle as shown in a block: masked when unreadable, `<invalid>` when missing. */
export function shownBundle(uuid: string, info: BundleInfo | undefined): BlockBundleInfo {
  return info === undefined ? invalidBundle(uuid) : maskBundleInfo(info);
}

export function shownWorksheet(uuid: string, info: WorksheetInfo | undefined): WorksheetInfo {
  if (info === undefined) return { uuid, name: null, title: null };
  if (info.permission === "none") return { uuid, name: "<private>", title: null, permission: "none" };
  return info;
}
