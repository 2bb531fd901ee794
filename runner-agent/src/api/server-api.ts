/**
 * The few REST calls the runner makes besides its socket: bundle contents (dependencies) and the
 * multipart upload of results (docs/design/bundles-api.md). Every call carries the bearer token;
 * a 401 renews a user's token once and repeats the call.
 */
import { CodalabError } from "@codalab/core/errors";
import { type AuthSession, describeFetchError, type FetchLike } from "./auth-session.ts";
import { readErrorResponse } from "./http-errors.ts";

export type RequestOptions = {
  body?: RequestInit["body"];
  json?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Node's fetch needs `duplex: "half"` for a streamed body. */
  streamBody?: boolean;
};

export class ServerApi {
  readonly server: string;
  readonly auth: AuthSession;
  private readonly fetch: FetchLike;

  constructor(options: { server: string; auth: AuthSession; fetch?: FetchLike }) {
    this.server = options.server;
    this.auth = options.auth;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** A successful response (2xx); anything else is thrown as a CodalabError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.server}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const canRepeat = !(options.body instanceof ReadableStream);
    for (let attempt = 0; ; attempt++) {
      const token = await this.auth.token();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...options.headers };
      let body = options.body ?? null;
      if (options.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(options.json);
      }
      const init: RequestInit & { duplex?: "half" } = { method, headers, body, signal: options.signal ?? null };
      if (options.streamBody) init.duplex = "half";
      let response: Response;
      try {
        response = await this.fetch(url.toString(), init);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new CodalabError(
          "UNAVAILABLE",
          `${method} ${path}: cannot reach the server: ${describeFetchError(error)}`,
        );
      }
      if (response.ok) return response;
      if (response.status === 401 && attempt === 0 && canRepeat && this.auth.renewable) {
        await response.body?.cancel().catch(() => undefined);
        this.auth.invalidate(token);
        continue;
      }
      throw await readErrorResponse(response, `${method} ${path}`);
    }
  }

  async json(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const response = await this.request(method, path, {
      ...options,
      headers: { accept: "application/json", ...options.headers },
    });
    const text = await response.text();
    if (text === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new CodalabError("INTERNAL", `${method} ${path} answered with something that is not JSON`);
    }
  }

  /** The socket URL: same host, ws(s) scheme. */
  socketUrl(path: string, query: Record<string, string>): string {
    const url = new URL(`${this.server}${path}`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }
}

/** `/rest/bundles/<uuid>/contents/<kind>/<path>`, each path segment escaped (as the CLI does). */
export function contentsPath(uuid: string, kind: "info" | "blob", subpath: string): string {
  const encoded = subpath === "" ? "" : subpath.split("/").map(encodeURIComponent).join("/");
  return `/rest/bundles/${uuid}/contents/${kind}/${encoded}`;
}
