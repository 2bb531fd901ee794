/** A request to `/rest/admin/*`, with the hint a refused non-administrator needs. */
import type { ApiClient } from "../api/api-client.ts";
import { withHint } from "../errors/with-hint.ts";

const NOT_ADMIN_HINT = "this command is for the instance's administrators: log in as one (`cl login`, `cl status`)";

export async function adminRequest(
  client: ApiClient,
  method: string,
  path: string,
  options: { body?: unknown; query?: Record<string, string> } = {},
): Promise<unknown> {
  try {
    return await client.request(method, path, options);
  } catch (error) {
    throw withHint(error, (refusal) => (refusal.code === "FORBIDDEN" ? NOT_ADMIN_HINT : undefined));
  }
}
