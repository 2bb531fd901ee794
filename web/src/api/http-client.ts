import { apiErrorFromResponse, networkError, unexpectedResponse } from "./api-error.ts";
import { readCookie } from "./read-cookie.ts";

export const CSRF_COOKIE = "codalab_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export type RequestOptions = {
  method?: HttpMethod;
  /** Sent as JSON. */
  body?: unknown;
  /** Appended to the path; arrays repeat the key (`keywords=a&keywords=b`), undefined is left out. */
  query?: Record<string, QueryValue>;
  /** Extra request headers (e.g. `Range`). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type HttpClientDeps = {
  fetch: FetchLike;
  /** The current `document.cookie`, read at each request because the CSRF cookie changes at login. */
  cookies: () => string;
};

export type HttpClient = {
  /** Resolves to the parsed JSON body (undefined for 204); rejects with ApiError. */
  request(path: string, options?: RequestOptions): Promise<unknown>;
  /** For file contents: resolves to the successful Response itself (body unread); rejects with ApiError. */
  raw(path: string, options?: RequestOptions): Promise<Response>;
};

/** `path?k=v&k=w`: the query string for `options.query`. */
export function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}${path.includes("?") ? "&" : "?"}${text}`;
}

export function createHttpClient(deps: HttpClientDeps): HttpClient {
  async function send(path: string, options: RequestOptions, accept: string): Promise<Response> {
    const method = options.method ?? "GET";
    const headers = new Headers({ Accept: accept, ...options.headers });
    let body: string | undefined;
    if (options.body !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(options.body);
    }
    // The session cookie rides along on every same-origin request; the server only trusts a
    // state-changing one when it also echoes the CSRF cookie, which another origin cannot read.
    if (method !== "GET") {
      const token = readCookie(deps.cookies(), CSRF_COOKIE);
      if (token) headers.set(CSRF_HEADER, token);
    }
    try {
      return await deps.fetch(withQuery(path, options.query), {
        method,
        headers,
        body,
        credentials: "same-origin",
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw networkError();
    }
  }

  async function parseJson(response: Response): Promise<unknown> {
    const text = response.status === 204 ? "" : await response.text();
    let payload: unknown;
    if (text !== "") {
      try {
        payload = JSON.parse(text);
      } catch {
        if (response.ok) throw unexpectedResponse(response.status, "not JSON");
      }
    }
    if (!response.ok) throw apiErrorFromResponse(response.status, response.statusText, payload);
    return payload;
  }

  return {
    async request(path, options = {}) {
      return parseJson(await send(path, options, "application/json"));
    },
    async raw(path, options = {}) {
      const response = await send(path, options, "*/*");
      // Errors still come as the JSON envelope, whatever the success type.
      if (!response.ok) await parseJson(response);
      return response;
    },
  };
}

/** The app's one client; `fetch` is wrapped so it is never called detached from `window`. */
export const http: HttpClient = createHttpClient({
  fetch: (url, init) => fetch(url, init),
  cookies: () => document.cookie,
});
