/** Groups (core/src/api/groups.ts): the ones the signed-in user is in, for sharing dialogs. */
import type { GroupJson } from "@codalab/core";
import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";

export type Group = GroupJson;

export async function listGroups(): Promise<Group[]> {
  const body = await http.request("/rest/groups");
  if (!isRecord(body) || !Array.isArray(body.groups)) throw unexpectedResponse(200, "no group list");
  return body.groups.filter(
    (group): group is Group => isRecord(group) && typeof group.uuid === "string" && typeof group.name === "string",
  );
}
