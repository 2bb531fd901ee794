/** Other users' public profiles (`GET /rest/users/{spec}`, `cl uinfo`). */
import { unexpectedResponse } from "./api-error.ts";
import { http } from "./http-client.ts";
import { isRecord } from "./is-record.ts";
import { parseUser, type User } from "./user.ts";

export async function fetchUser(spec: string): Promise<User> {
  const body = await http.request(`/rest/users/${encodeURIComponent(spec)}`);
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return parseUser(body.user);
}
