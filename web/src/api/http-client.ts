import { apiErrorFromResponse, networkError, unexpectedResponse } from "./api-error.ts";
import { readCookie } from "./read-cookie.ts";

export const CSRF_COOKIE = "codalab_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RequestOptions = {
  method?: HttpMethod;
  /** Sent as JSON. */
  body?: unknown;
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
};

export function createHttpClient(deps: HttpClientDeps): HttpClient {
  return {
    async request(path, options = {}) {
      const method = options.method ?? "GET";
      const headers = new Headers({ Accept: "application/json" });
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

      let response: Response;
      try {
        response = await deps.fetch(path, {
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
    },
  };
}

/** The app's one client; `fetch` is wrapped so it is never called detached from `window`. */
export const http: HttpClient = createHttpClient({
  fetch: (url, init) => fetch(url, init),
  cookies: () => document.cookie,
});
