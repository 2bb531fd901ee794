/**
 * Keeps a usable bearer token: a worker token as it is, or a user's access token from
 * `POST /rest/auth/login`, refreshed through `POST /rest/auth/refresh` five minutes before it
 * expires (spec §8.1) and by a fresh login when the refresh token is refused.
 */
import { TokenResponseSchema } from "@codalab/core/api/auth";
import { CodalabError } from "@codalab/core/errors";
import type { Credentials } from "../config/credentials.ts";
import { readErrorResponse } from "./http-errors.ts";

const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** Only the token fields: the user object in the answer is the web app's business. */
const TokensSchema = TokenResponseSchema.pick({ access_token: true, refresh_token: true, expires_in: true });

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

type Tokens = { access: string; refresh: string; expiresAt: number };

export class AuthSession {
  private tokens: Tokens | null = null;
  private pending: Promise<string> | null = null;
  private readonly server: string;
  private readonly credentials: Credentials;
  private readonly fetch: FetchLike;
  private readonly now: () => number;

  constructor(options: { server: string; credentials: Credentials; fetch?: FetchLike; now?: () => number }) {
    this.server = options.server;
    this.credentials = options.credentials;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  /** The user name the server knows us by, when we log in as a user. */
  get username(): string | null {
    return this.credentials.kind === "password" ? this.credentials.username : null;
  }

  /** A token valid for at least a few minutes. Concurrent callers share one login or refresh. */
  async token(): Promise<string> {
    if (this.credentials.kind === "token") return this.credentials.token;
    const tokens = this.tokens;
    if (tokens !== null && tokens.expiresAt - REFRESH_MARGIN_MS > this.now()) return tokens.access;
    if (this.pending === null) {
      this.pending = this.renew(tokens).finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /** The server refused our token (expired or revoked early): get a new one next time. */
  invalidate(rejected: string): void {
    if (this.tokens?.access === rejected) this.tokens = { ...this.tokens, expiresAt: 0 };
  }

  /** A refused worker token cannot be renewed; callers stop retrying on it. */
  get renewable(): boolean {
    return this.credentials.kind === "password";
  }

  private async renew(previous: Tokens | null): Promise<string> {
    if (previous !== null) {
      try {
        return await this.exchange("/rest/auth/refresh", { refresh_token: previous.refresh });
      } catch (error) {
        // A refused refresh token (expired, rotated elsewhere) is fixed by logging in again.
        if (!(error instanceof CodalabError) || error.status !== 401) throw error;
      }
    }
    if (this.credentials.kind !== "password") throw new CodalabError("INTERNAL", "a worker token is not renewed");
    return this.exchange("/rest/auth/login", {
      username: this.credentials.username,
      password: this.credentials.password,
    });
  }

  private async exchange(path: string, body: Record<string, string>): Promise<string> {
    let response: Response;
    try {
      response = await this.fetch(`${this.server}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new CodalabError("UNAVAILABLE", `cannot reach ${this.server}: ${describeFetchError(error)}`);
    }
    if (!response.ok) throw await readErrorResponse(response, `POST ${path}`);
    const parsed = TokensSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new CodalabError("INTERNAL", `POST ${path} answered with an unexpected body`);
    const { access_token, refresh_token, expires_in } = parsed.data;
    this.tokens = { access: access_token, refresh: refresh_token, expiresAt: this.now() + expires_in * 1000 };
    return access_token;
  }
}

/** fetch() hides the reason in `cause` (ECONNREFUSED, ENOTFOUND …). */
export function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    if (cause instanceof Error) {
      const code = Reflect.get(cause, "code");
      return typeof code === "string" ? `${code} (${cause.message})` : cause.message;
    }
    return error.message;
  }
  return String(error);
}
