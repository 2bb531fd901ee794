/**
 * The CLI's command layer (@codalab/cli) running in the page: the same commands, parsers and
 * error messages as `cl`, with a transport that uses the page's cookie session (plus the CSRF
 * header) instead of bearer tokens, and in-memory config and state. The session starts on the
 * current worksheet; `cl work` moves it for the rest of the terminal's life, as in a shell.
 * Commands that need local files (`upload <path>`, `download`) refuse, as CodaLab's web terminal did.
 */

import type { FetchLike, HttpRequestInit } from "@codalab/cli/api/api-client";
import type { ClContext } from "@codalab/cli/context";
import { createContext } from "@codalab/cli/context";
import type { Output } from "@codalab/cli/output/output";
import { createMemoryDocument } from "@codalab/cli/state/json-document";
import { CSRF_COOKIE, CSRF_HEADER } from "../api/http-client.ts";
import { readCookie } from "../api/read-cookie.ts";

export type BrowserContextOptions = {
  /** The page's origin: the instance the terminal talks to. */
  origin: string;
  worksheetUuid: string;
  userName: string;
  out: Output;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  cookies: () => string;
};

/** Far in the future: the cookie session is refreshed by the server, never by the client. */
const NEVER_EXPIRES = 4_102_444_800;

export function cookieTransport(fetch: BrowserContextOptions["fetch"], cookies: () => string): FetchLike {
  return (url, init: HttpRequestInit) => {
    const headers = new Headers(init.headers);
    // The browser sets its own user agent; the session cookie authenticates, not a token.
    headers.delete("user-agent");
    headers.delete("authorization");
    if (init.method !== "GET" && init.method !== "HEAD") {
      const token = readCookie(cookies(), CSRF_COOKIE);
      if (token) headers.set(CSRF_HEADER, token);
    }
    const body = init.body instanceof Uint8Array ? new Blob([init.body as Uint8Array<ArrayBuffer>]) : init.body;
    return fetch(url, { method: init.method, headers, body, signal: init.signal, credentials: "same-origin" });
  };
}

export function createBrowserContext(options: BrowserContextOptions): ClContext {
  return createContext({
    out: options.out,
    env: {},
    codalabHome: "(this browser)",
    sessionKey: "web",
    configDocument: createMemoryDocument("config.json", {
      cli: { default_address: options.origin, verbose: 1 },
      aliases: {},
    }),
    // A stand-in token record: the client believes it is logged in and sends no Authorization
    // header (the access token is empty), so the cookie does the work.
    stateDocument: createMemoryDocument("state.json", {
      sessions: { web: { address: options.origin, worksheet_uuid: options.worksheetUuid } },
      auth: {
        [options.origin]: {
          access_token: "",
          refresh_token: "",
          expires_at: NEVER_EXPIRES,
          user_name: options.userName,
        },
      },
    }),
    fetch: cookieTransport(options.fetch, options.cookies),
    prompter: undefined,
  });
}
