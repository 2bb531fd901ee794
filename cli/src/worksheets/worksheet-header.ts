/** How `cl ls`, `cl print` and `cl wls` describe a worksheet, as CodaLab does. */
import { NONE_PLACEHOLDER, renderGroupPermissions } from "@codalab/core/worksheet/genpath";
import type { ApiClient } from "../api/api-client.ts";
import type { WireWorksheet } from "../api/worksheet-wire.ts";
import { worksheetUrlAndName } from "./current-worksheet.ts";

/** `user_name(id)`, or `<anonymous>` when the owner is hidden. */
export function worksheetOwner(worksheet: WireWorksheet): string {
  return worksheet.owner_name === null ? "<anonymous>" : `${worksheet.owner_name}(${worksheet.owner_id ?? ""})`;
}

/** The `### Field: value` lines above a worksheet in `cl ls` and `cl print`. */
export function worksheetHeader(client: ApiClient, worksheet: WireWorksheet): string[] {
  const owner = worksheetOwner(worksheet);
  const fields: [string, string][] = [
    ["Worksheet", worksheetUrlAndName(client, worksheet)],
    ["Title", worksheet.title ?? NONE_PLACEHOLDER],
    ["Tags", worksheet.tags.join(" ")],
    ["Owner", owner + (worksheet.is_anonymous ? " [anonymous]" : "")],
    [
      "Permissions",
      renderGroupPermissions(worksheet.group_permissions) + (worksheet.frozen !== null ? " [frozen]" : ""),
    ],
  ];
  return fields.map(([key, value]) => `### ${key}: ${value}`);
}
