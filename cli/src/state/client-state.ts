import { isRecord, type JsonRecord } from "../parse/json-fields.ts";
import type { JsonDocument } from "./json-document.ts";

/** Where one shell session points (spec §1 top). */
export type SessionRecord = { address: string; worksheet_uuid?: string };

/** Cached tokens for one instance address. `expires_at` is in Unix seconds, as CodaLab stores it. */
export type StoredAuth = {
  access_token: string;
  refresh_token: string;
  expires_at: number;
  user_name: string;
};

/** state.json; keys the client does not know are kept as they are. */
export type ClientState = JsonRecord & {
  sessions: Record<string, SessionRecord>;
  auth: Record<string, StoredAuth>;
};

/**
 * Parses state.json. It is a cache the client rewrites, so entries that do not fit are dropped
 * (the user logs in again) instead of blocking every command; only unreadable JSON is an error,
 * raised by the document adapter.
 */
export function parseState(value: unknown): ClientState {
  const record = isRecord(value) ? value : {};
  const sessions: Record<string, SessionRecord> = {};
  for (const [key, session] of Object.entries(isRecord(record.sessions) ? record.sessions : {})) {
    const parsed = parseSession(session);
    if (parsed) sessions[key] = parsed;
  }
  const auth: Record<string, StoredAuth> = {};
  for (const [address, entry] of Object.entries(isRecord(record.auth) ? record.auth : {})) {
    const parsed = parseStoredAuth(entry);
    if (parsed) auth[address] = parsed;
  }
  return { ...record, sessions, auth };
}

function parseSession(value: unknown): SessionRecord | undefined {
  if (!isRecord(value) || typeof value.address !== "string" || value.address === "") return undefined;
  const session: SessionRecord = { address: value.address };
  if (typeof value.worksheet_uuid === "string" && value.worksheet_uuid !== "") {
    session.worksheet_uuid = value.worksheet_uuid;
  }
  return session;
}

function parseStoredAuth(value: unknown): StoredAuth | undefined {
  if (!isRecord(value)) return undefined;
  const { access_token, refresh_token, expires_at, user_name } = value;
  if (typeof access_token !== "string" || typeof refresh_token !== "string") return undefined;
  if (typeof expires_at !== "number" || typeof user_name !== "string") return undefined;
  return { access_token, refresh_token, expires_at, user_name };
}

export type StateStore = {
  readonly path: string;
  read(): Promise<ClientState>;
  /** Reads, applies the change and writes back, so concurrent `cl` processes lose as little as possible. */
  update(change: (state: ClientState) => void): Promise<void>;
};

export function createStateStore(document: JsonDocument): StateStore {
  const read = async () => parseState(await document.read());
  return {
    path: document.path,
    read,
    update: async (change) => {
      const state = await read();
      change(state);
      await document.write(state);
    },
  };
}

/** The current shell session's instance and worksheet. */
export type SessionStore = {
  readonly key: string;
  current(): Promise<SessionRecord>;
  /** Points the session at an instance (and optionally a worksheet on it). */
  switchTo(address: string, worksheetUuid?: string): Promise<void>;
};

export function createSessionStore(
  state: StateStore,
  key: string,
  defaultAddress: () => Promise<string>,
): SessionStore {
  return {
    key,
    current: async () => (await state.read()).sessions[key] ?? { address: await defaultAddress() },
    switchTo: (address, worksheetUuid) =>
      state.update((current) => {
        current.sessions[key] = worksheetUuid ? { address, worksheet_uuid: worksheetUuid } : { address };
      }),
  };
}

/** Cached tokens per instance address. */
export type TokenStore = {
  get(address: string): Promise<StoredAuth | undefined>;
  put(address: string, auth: StoredAuth): Promise<void>;
  /** Returns whether there was anything to drop. */
  drop(address: string): Promise<boolean>;
};

export function createTokenStore(state: StateStore): TokenStore {
  return {
    get: async (address) => (await state.read()).auth[address],
    put: (address, auth) =>
      state.update((current) => {
        current.auth[address] = auth;
      }),
    drop: async (address) => {
      if (!(await state.read()).auth[address]) return false;
      await state.update((current) => {
        delete current.auth[address];
      });
      return true;
    },
  };
}
