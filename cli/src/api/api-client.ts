/**
 * The one HTTP client every command uses: JSON in and out, Bearer tokens cached per instance,
 * automatic login on first contact, transparent refresh of expired access tokens, and failures
 * turned into CodalabErrors the error printer understands.
 */
import type { SelfUser } from "@codalab/core";
import { CLIENT_VERSION, CodalabError, type ErrorCode, LOGIN_AGAIN_CODES } from "../core-light.ts";
import { CliError } from "../errors/cli-error.ts";
import type { StoredAuth, TokenStore } from "../state/client-state.ts";
import type { CredentialSource, Credentials } from "./credentials.ts";
import { parseErrorBody, parseResponse, parseTokenGrant, type TokenGrant } from "./wire.ts";

/** What the client sends; a subset of fetch's RequestInit. */
export type HttpRequestInit = {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Aborts the request while waiting for the answer's headers (the timeout). */
  signal: AbortSignal;
};

/** What the client reads of an answer; a fetch Response is one. */
export type HttpResponse = {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
};

/**
 * The transport: the global fetch in the web terminal and tests, `node:http` in the Node CLI
 * (node/http-transport.ts), which starts much faster than fetch.
 */
export type FetchLike = (url: string, init: HttpRequestInit) => Promise<HttpResponse>;

/**
 * "required": log in first when no token is cached (most commands);
 * "optional": send a cached token if there is one, never prompt;
 * "none": anonymous (login, refresh, version).
 */
export type AuthMode = "required" | "optional" | "none";

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export type RequestOptions = {
  body?: unknown;
  query?: Record<string, QueryValue>;
  auth?: AuthMode;
  /** Milliseconds to wait for the answer (default: the client's timeout). */
  timeoutMs?: number;
};

export type OpenOptions = {
  query?: Record<string, QueryValue>;
  auth?: AuthMode;
  /** Raw bytes to send (an upload part); fetch sets Content-Length from them. */
  body?: Uint8Array;
  headers?: Record<string, string>;
  /** Milliseconds to wait for the answer's headers (default: the client's timeout). */
  timeoutMs?: number;
};

/** What one HTTP request carries: JSON or raw bytes, never both. */
type Payload = {
  query?: Record<string, QueryValue>;
  json?: unknown;
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
};

export type ApiClientOptions = {
  address: string;
  fetch: FetchLike;
  tokens: TokenStore;
  credentials: CredentialSource;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  timeoutMs?: number;
};

/** Refresh a little before the access token expires rather than waste a round trip on a 401. */
const REFRESH_MARGIN_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;

export function sessionExpiredError(): CliError {
  return new CliError("TOKEN_REVOKED", "your session has expired or was revoked", {
    hint: "run `cl login` to log in again",
  });
}

export class ApiClient {
  readonly address: string;
  readonly #fetch: FetchLike;
  readonly #tokens: TokenStore;
  readonly #credentials: CredentialSource;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  /** One refresh at a time: refresh tokens rotate, so a second concurrent refresh would use a dead one. */
  #refreshing: Promise<StoredAuth> | undefined;
  /** Likewise one automatic login, so parallel requests do not each prompt for a password. */
  #loggingIn: Promise<StoredAuth> | undefined;

  constructor(options: ApiClientOptions) {
    this.address = options.address;
    this.#fetch = options.fetch;
    this.#tokens = options.tokens;
    this.#credentials = options.credentials;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<unknown> {
    return this.request("GET", path, options);
  }

  post(path: string, body: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<unknown> {
    return this.request("POST", path, { ...options, body });
  }

  /** Sends a request and returns the parsed JSON body (undefined for 204). */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const payload: Payload = { query: options.query, json: options.body, timeoutMs: options.timeoutMs };
    const response = await this.#authorized(method, path, payload, options.auth ?? "required");
    return this.#readSuccess(response, method, path);
  }

  /**
   * Sends a request whose body or answer is not JSON (upload parts, file contents) and returns
   * the successful response with its body unread; failures throw like `request`. The timeout
   * covers sending the body and receiving the headers, never the streaming of the answer.
   */
  async open(method: string, path: string, options: OpenOptions = {}): Promise<HttpResponse> {
    const payload: Payload = {
      query: options.query,
      bytes: options.body,
      headers: options.headers,
      timeoutMs: options.timeoutMs,
    };
    return this.#authorized(method, path, payload, options.auth ?? "required");
  }

  /** The successful response, after logging in or refreshing the token as needed. */
  async #authorized(method: string, path: string, payload: Payload, mode: AuthMode): Promise<HttpResponse> {
    let auth = mode === "none" ? undefined : await this.#tokens.get(this.address);
    if (!auth && mode === "required") auth = await this.#logInOnce();
    if (auth && this.#expiresSoon(auth)) auth = await this.#refresh(auth);

    let response = await this.#send(method, path, payload, auth?.access_token);
    if (response.ok) return response;
    let error = await this.#errorFrom(response);
    if (auth && error.code === "TOKEN_EXPIRED") {
      auth = await this.#refresh(auth);
      response = await this.#send(method, path, payload, auth.access_token);
      if (response.ok) return response;
      error = await this.#errorFrom(response);
    }
    if (auth && LOGIN_AGAIN_CODES.includes(error.code)) {
      await this.#tokens.drop(this.address);
      throw sessionExpiredError();
    }
    throw error;
  }

  /** Exchanges a user name (or e-mail) and password for tokens and caches them. */
  async login(credentials: Credentials): Promise<SelfUser> {
    return (await this.#logIn(credentials)).user;
  }

  /**
   * Revokes the session on the server, then forgets the cached tokens whatever the server said.
   * Returns false when there were no tokens; a failure to reach the server is reported through
   * `serverError` so the caller can warn without failing.
   */
  async logout(): Promise<{ wasLoggedIn: boolean; serverError?: unknown }> {
    const auth = await this.#tokens.get(this.address);
    if (!auth) return { wasLoggedIn: false };
    let serverError: unknown;
    try {
      await this.request("POST", "/rest/auth/logout", {
        body: { refresh_token: auth.refresh_token },
        auth: "optional",
      });
    } catch (error) {
      // An expired or revoked session is already what logging out wants.
      if (!(error instanceof CodalabError && LOGIN_AGAIN_CODES.includes(error.code))) serverError = error;
    } finally {
      await this.#tokens.drop(this.address);
    }
    return { wasLoggedIn: true, serverError };
  }

  async #logIn(credentials: Credentials): Promise<{ user: SelfUser; auth: StoredAuth }> {
    const path = "/rest/auth/login";
    const response = await this.#send("POST", path, {
      json: { username: credentials.username, password: credentials.password },
    });
    if (!response.ok) throw await this.#errorFrom(response);
    const grant = parseResponse(`POST ${path}`, await this.#readSuccess(response, "POST", path), parseTokenGrant);
    return { user: grant.user, auth: await this.#remember(grant) };
  }

  #logInOnce(): Promise<StoredAuth> {
    this.#loggingIn ??= this.#credentials(this.address, "auto")
      .then(async (credentials) => (await this.#logIn(credentials)).auth)
      .finally(() => {
        this.#loggingIn = undefined;
      });
    return this.#loggingIn;
  }

  #refresh(stale: StoredAuth): Promise<StoredAuth> {
    this.#refreshing ??= this.#exchangeRefreshToken(stale).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #exchangeRefreshToken(stale: StoredAuth): Promise<StoredAuth> {
    const path = "/rest/auth/refresh";
    const response = await this.#send("POST", path, { json: { refresh_token: stale.refresh_token } });
    if (response.ok) {
      const grant = parseResponse(`POST ${path}`, await this.#readSuccess(response, "POST", path), parseTokenGrant);
      return this.#remember(grant);
    }
    const error = await this.#errorFrom(response);
    if (!LOGIN_AGAIN_CODES.includes(error.code)) throw error;
    // Another `cl` process may have rotated the refresh token since this one read it.
    const latest = await this.#tokens.get(this.address);
    if (latest && latest.refresh_token !== stale.refresh_token) return latest;
    await this.#tokens.drop(this.address);
    throw sessionExpiredError();
  }

  async #remember(grant: TokenGrant): Promise<StoredAuth> {
    const auth: StoredAuth = {
      access_token: grant.access_token,
      refresh_token: grant.refresh_token,
      expires_at: Math.floor(this.#now() / 1000) + grant.expires_in,
      user_name: grant.user.user_name,
    };
    await this.#tokens.put(this.address, auth);
    return auth;
  }

  #expiresSoon(auth: StoredAuth): boolean {
    return auth.expires_at * 1000 - this.#now() < REFRESH_MARGIN_MS;
  }

  async #send(method: string, path: string, payload: Payload, accessToken?: string): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": `codalab-cli/${CLIENT_VERSION}`,
      ...payload.headers,
    };
    let body: string | Uint8Array | undefined;
    if (payload.bytes !== undefined) {
      headers["content-type"] ??= "application/octet-stream";
      body = payload.bytes;
    } else if (payload.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(payload.json);
    }
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const timeoutMs = payload.timeoutMs ?? this.#timeoutMs;
    // Aborted only while waiting for the headers: a long download must not be cut off halfway.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException("the request timed out", "TimeoutError")),
      timeoutMs,
    );
    try {
      return await this.#fetch(this.#url(path, payload.query), {
        method,
        headers,
        body,
        signal: controller.signal,
      });
    } catch (error) {
      throw this.#networkError(error, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  #url(path: string, query: Record<string, QueryValue> | undefined): string {
    const url = `${this.address}${path}`;
    if (!query) return url;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (typeof value === "object") for (const item of value) params.append(key, item);
      else params.append(key, String(value));
    }
    const search = params.toString();
    return search ? `${url}?${search}` : url;
  }

  async #readBody(response: HttpResponse): Promise<{ json: unknown } | { text: string }> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.#networkError(error);
    }
    if (text === "") return { json: undefined };
    try {
      return { json: JSON.parse(text) };
    } catch {
      return { text };
    }
  }

  async #readSuccess(response: HttpResponse, method: string, path: string): Promise<unknown> {
    if (response.status === 204) return undefined;
    const body = await this.#readBody(response);
    if ("json" in body) return body.json;
    throw new CliError("INTERNAL", `${this.address} answered ${method} ${path} with something that is not JSON`, {
      hint: "check that the address points at a CodaLab instance (`cl status`, `cl alias`)",
    });
  }

  async #errorFrom(response: HttpResponse): Promise<CodalabError> {
    const body = await this.#readBody(response);
    const parsed = "json" in body ? parseErrorBody(body.json) : undefined;
    if (parsed) return parsed;
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    return new CodalabError(codeForStatus(response.status), `${this.address} answered ${status}`);
  }

  #networkError(error: unknown, timeoutMs = this.#timeoutMs): CliError {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return new CliError("GATEWAY_TIMEOUT", `no answer from ${this.address} within ${timeoutMs / 1000} s`, {
        hint: "the instance may be overloaded: try again in a moment",
        cause: error,
      });
    }
    return new CliError("UNAVAILABLE", `cannot reach ${this.address}`, {
      hint: isLocal(this.address)
        ? "is the instance running? start it with `npm start`"
        : "check the address (`cl status`) and your network connection",
      cause: error,
    });
  }
}

/** For error bodies that are not the API's envelope (a proxy's HTML page, say). */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "ROUTE_NOT_FOUND";
  if (status === 405) return "METHOD_NOT_ALLOWED";
  if (status === 409) return "CONFLICT";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 429 || status === 502 || status === 503) return "UNAVAILABLE";
  if (status === 504) return "GATEWAY_TIMEOUT";
  if (status >= 500) return "INTERNAL";
  return "BAD_REQUEST";
}

function isLocal(address: string): boolean {
  const host = new URL(address).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.") || host.endsWith(".localhost");
}
