import type { SelfUser } from "@codalab/core";
import type { ApiClient } from "./api-client.ts";
import { parseResponse, parseUserEnvelope, parseVersionInfo, type VersionInfo } from "./wire.ts";

/** GET /rest/version; needs no login, so it doubles as "is this instance up?". */
export async function fetchServerVersion(client: ApiClient): Promise<VersionInfo> {
  return parseResponse("GET /rest/version", await client.get("/rest/version", { auth: "none" }), parseVersionInfo);
}

/** GET /rest/user: who the cached (or freshly obtained) token belongs to. */
export async function fetchCurrentUser(client: ApiClient): Promise<SelfUser> {
  return parseResponse("GET /rest/user", await client.get("/rest/user"), parseUserEnvelope);
}
