/** Calls the real Worker (routes, middleware, D1) from tests running inside workerd. */
import { exports } from "cloudflare:workers";

export type ApiResult<T = Record<string, unknown>> = { status: number; body: T; headers: Headers };

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  } else if (body !== undefined) {
    headers["content-type"] ??= "application/json";
  }
  const response = await exports.default.fetch(new Request(`http://localhost${path}`, { method, headers, body }));
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

let counter = 0;

/** A fresh user name per call, so tests never depend on each other's data. */
export function uniqueName(prefix = "user"): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}`;
}

export async function signUpAndLogIn(userName = uniqueName()) {
  const password = "correct horse battery";
  const email = `${userName}@example.org`;
  const signup = await api("POST", "/rest/auth/signup", { body: { user_name: userName, email, password } });
  if (signup.status !== 201) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
  const login = await api<{ access_token: string; refresh_token: string }>("POST", "/rest/auth/login", {
    body: { username: userName, password },
  });
  return { userName, email, password, accessToken: login.body.access_token, refreshToken: login.body.refresh_token };
}
