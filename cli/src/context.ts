/**
 * What a command may use. Commands never reach for process, fs or fetch themselves: the Node entry
 * point assembles a context from files and the terminal; the web terminal can assemble one from
 * its own stores and reuse the same commands.
 */
import { ApiClient, type FetchLike } from "./api/api-client.ts";
import { type CredentialSource, createCredentialSource, type Prompter } from "./api/credentials.ts";
import type { Output } from "./output/output.ts";
import { type ConfigStore, createConfigStore, defaultAddressOf } from "./state/client-config.ts";
import {
  createSessionStore,
  createStateStore,
  createTokenStore,
  type SessionStore,
  type TokenStore,
} from "./state/client-state.ts";
import { normalizeAddress, resolveInstance } from "./state/instance-address.ts";
import type { JsonDocument } from "./state/json-document.ts";

/**
 * The machine `cl` runs on, for commands that read or write local files (upload, download, the
 * editor of `cl edit`). Absent in the web terminal, which refuses those (CodaLab's headless mode).
 */
export type LocalMachine = {
  /** Local paths on the command line are relative to this directory. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a person may be at the keyboard (stdin and stderr are terminals): editors may open. */
  interactive: boolean;
};

export type ClContext = {
  out: Output;
  /** Shown by `cl status`. */
  about: { codalabHome: string; sessionKey: string };
  config: ConfigStore;
  session: SessionStore;
  tokens: TokenStore;
  credentials: CredentialSource;
  /** An alias or a full address → the instance address. */
  resolveInstance(aliasOrAddress: string): Promise<string>;
  /** The API client for one instance. */
  client(address: string): ApiClient;
  /** The API client for the instance the current session points at. */
  currentClient(): Promise<ApiClient>;
  local: LocalMachine | undefined;
};

export type ContextParts = {
  out: Output;
  env: Readonly<Record<string, string | undefined>>;
  codalabHome: string;
  sessionKey: string;
  configDocument: JsonDocument;
  stateDocument: JsonDocument;
  fetch: FetchLike;
  /** Undefined when nobody can be asked (no terminal). */
  prompter: Prompter | undefined;
  now?: () => number;
  local?: LocalMachine;
};

export function createContext(parts: ContextParts): ClContext {
  const config = createConfigStore(parts.configDocument);
  const state = createStateStore(parts.stateDocument);
  const tokens = createTokenStore(state);
  const session = createSessionStore(state, parts.sessionKey, async () =>
    normalizeAddress(defaultAddressOf(await config.load())),
  );
  const credentials = createCredentialSource({ env: parts.env, prompter: parts.prompter, out: parts.out });
  const clients = new Map<string, ApiClient>();
  const client = (address: string): ApiClient => {
    let existing = clients.get(address);
    if (!existing) {
      existing = new ApiClient({ address, fetch: parts.fetch, tokens, credentials, now: parts.now });
      clients.set(address, existing);
    }
    return existing;
  };
  return {
    out: parts.out,
    about: { codalabHome: parts.codalabHome, sessionKey: parts.sessionKey },
    config,
    session,
    tokens,
    credentials,
    resolveInstance: async (aliasOrAddress) => resolveInstance(aliasOrAddress, (await config.load()).aliases),
    client,
    currentClient: async () => client(normalizeAddress((await session.current()).address)),
    local: parts.local,
  };
}
